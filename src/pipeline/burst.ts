import { runQueries } from '../data/scan.js';
import { ChartpressError, type Problem, problem, type Warning } from '../errors.js';
import { cell, emptyFrame, type Frame, type Row, toColumn, type Value } from '../frame.js';
import { isParamRef } from '../spec/normalize.js';
import { type ParamInput, type Params, resolveParams } from '../spec/params.js';
import type { Filter, Query } from '../spec/schema.js';
import { openPlanData, type PlanData, type PlanDataSource } from './data.js';
import { type Plan, type PlannedQuery, planReport } from './plan.js';
import type { Prepared } from './report.js';

/** Which param a burst renders a document for, and where its values come from. */
export interface EachOptions {
  /** The param that takes each value in turn. */
  readonly param: string;
  /** The values, in order. Defaults to the `from`/`field` column, then the param's `values:`. */
  readonly values?: readonly Value[];
  /** A dataset whose column `field` holds the values (distinct, ascending). */
  readonly from?: string;
  readonly field?: string;
}

/** How a burst's queries were run: what one scan per dataset covered, what each document did. */
export interface BurstScans {
  /** Dataset scans for the whole batch (one per dataset read). */
  readonly shared: number;
  /** Queries that do not depend on the burst param: computed once, the same frame for all. */
  readonly sharedQueries: number;
  /** Queries filtered by `field = {param}`: grouped by that field in the shared scan, then split. */
  readonly splitQueries: number;
  /** Queries that use the param otherwise: run again for each document. */
  readonly perDocumentQueries: number;
}

/** The key under which a burst groups a query's rows by the value of its param's field. */
const BURST_KEY = '\u0000burst';

type Kind =
  | { readonly kind: 'shared' }
  | { readonly kind: 'split'; readonly field: string; readonly grouped: boolean; readonly tail: Query }
  | { readonly kind: 'each' };

const mentions = (value: Filter['value'], param: string): boolean =>
  Array.isArray(value) ? value.some((v) => mentions(v, param)) : isParamRef(value) && value.param === param;

/**
 * How a query depends on the burst param: not at all (shared), through one `field eq {param}`
 * filter (split: one grouped scan serves every value), or otherwise (each: a scan per document).
 * A query with a pivot is run per document: its columns depend on the values of its slice; so
 * is one with windows or a fold, computed over the whole result.
 */
function kindOf(query: Query, param: string): Kind {
  const filters = query.filter ?? [];
  const uses = filters.filter((f) => mentions(f.value, param));
  // A param in `having` or an aggregate's `where` changes the groups' values: a scan per document.
  const elsewhere = [
    ...(query.having ?? []),
    ...Object.values(query.aggregate ?? {}).flatMap((a) => a.where ?? []),
  ];
  if (elsewhere.some((f) => mentions(f.value, param))) return { kind: 'each' };
  if (uses.length === 0) return { kind: 'shared' };
  const [use] = uses;
  // Windows and fold read the whole result (and fold comes after the limit): per document too.
  if (
    uses.length > 1 ||
    !use ||
    use.op !== 'eq' ||
    !isParamRef(use.value) ||
    query.pivot ||
    query.window ||
    query.fold
  )
    return { kind: 'each' };
  const grouped = query.groupBy !== undefined || query.aggregate !== undefined;
  const tail: Query = {
    from: query.from,
    ...(query.sort ? { sort: query.sort } : {}),
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
  };
  return { kind: 'split', field: use.field, grouped, tail };
}

/** The query the shared scan runs for a split one: no param filter, grouped by the field too. */
function splitQuery(query: Query, field: string, grouped: boolean): Query {
  const { filter, sort: _sort, limit: _limit, ...rest } = query;
  const others = (filter ?? []).filter((f) => !(f.field === field && f.op === 'eq' && isParamRef(f.value)));
  return {
    ...rest,
    ...(others.length > 0 ? { filter: others } : {}),
    ...(grouped ? { groupBy: [{ field, as: BURST_KEY }, ...(query.groupBy ?? [])] } : {}),
  };
}

/** A value as the key of its slice: a param given as text matches a numeric column. */
const keyOf = (v: Value): string => (v === null ? '\u0000null' : String(v));

/** The rows of a split query's result, by the value of the field, built once. */
class Slices {
  readonly #frame: Frame;
  readonly #fields: readonly string[];
  readonly #rows = new Map<string, number[]>();

  constructor(frame: Frame, column: string, dropColumn: boolean) {
    this.#frame = frame;
    this.#fields = dropColumn ? frame.fields.filter((f) => f !== column) : frame.fields;
    const col = frame.columns[column];
    for (let i = 0; i < frame.length; i++) {
      const key = keyOf(cell(col, i));
      const list = this.#rows.get(key);
      if (list) list.push(i);
      else this.#rows.set(key, [i]);
    }
  }

  /** A frame of its own (fresh columns) with the rows of one value. */
  frame(value: Value): Frame {
    const rows = this.#rows.get(keyOf(value)) ?? [];
    const columns: Record<string, Frame['columns'][string]> = Object.create(null);
    for (const name of this.#fields) {
      const col = this.#frame.columns[name];
      columns[name] = toColumn(rows.map((i) => cell(col, i)));
    }
    return { fields: this.#fields, columns, length: rows.length };
  }
}

async function* rowsOf(frame: Frame): AsyncIterable<Row> {
  for (let i = 0; i < frame.length; i++) {
    const row: Row = {};
    for (const name of frame.fields) row[name] = cell(frame.columns[name], i);
    yield row;
  }
}

/** One document of a burst, planned. */
export interface BurstDocument {
  readonly value: Value;
  readonly prepared: Prepared;
}

/**
 * The data of a burst: every dataset scanned once for all documents (queries that do not depend
 * on the param computed once; those filtered by `field = {param}` grouped by that field and split
 * per value), and, for each document, a data source that serves its slice.
 */
export class BurstData {
  readonly scans: BurstScans;
  readonly #shared: Promise<PlanData>;
  readonly #ids: ReadonlyMap<string, { id: string; kind: Kind; query: Query }>;
  readonly #slices = new Map<string, Promise<Slices | Problem>>();
  readonly #base: Prepared;
  readonly #warn: ((w: Warning) => void) | undefined;

  constructor(
    base: Prepared,
    documents: readonly BurstDocument[],
    param: string,
    warn?: (w: Warning) => void,
  ) {
    this.#base = base;
    this.#warn = warn;
    // Every query of every document's plan, once by its text: a chart's query is the same object
    // shape in every plan, whatever `when` kept.
    const ids = new Map<string, { id: string; kind: Kind; query: Query }>();
    const queries = new Map<string, Map<string, PlannedQuery>>();
    let split = 0;
    let perDocument = 0;
    let shared = 0;
    for (const doc of documents)
      for (const [dataset, byId] of doc.prepared.plan.queries)
        for (const [, planned] of byId) {
          const text = JSON.stringify(planned.query);
          if (ids.has(text)) continue;
          const kind = kindOf(planned.query, param);
          const id = `q${ids.size}`;
          ids.set(text, { id, kind, query: planned.query });
          if (kind.kind === 'each') {
            perDocument++;
            continue;
          }
          if (kind.kind === 'split') split++;
          else shared++;
          const query =
            kind.kind === 'split' ? splitQuery(planned.query, kind.field, kind.grouped) : planned.query;
          const onDataset = queries.get(dataset) ?? new Map<string, PlannedQuery>();
          queries.set(dataset, onDataset);
          onDataset.set(id, { query, path: planned.path });
        }
    this.#ids = ids;
    const plan: Plan = { blocks: [], charts: new Map(), tables: new Map(), queries, skipped: [] };
    this.#shared = openPlanData(plan, this.#context(base.params), { eager: true }).all();
    this.#shared.catch(() => {});
    this.scans = {
      shared: queries.size,
      sharedQueries: shared,
      splitQueries: split,
      perDocumentQueries: perDocument,
    };
  }

  #context(params: Params) {
    const { report, baseDir, file, roots } = this.#base;
    return { report, params, baseDir, file, roots, warn: this.#warn };
  }

  /** The rows of one split query, by value: made from the shared scan's frame once. */
  #slicesOf(id: string, kind: Extract<Kind, { kind: 'split' }>): Promise<Slices | Problem> {
    let slices = this.#slices.get(id);
    if (!slices) {
      slices = this.#shared.then((shared) => {
        const failure = shared.failed.get(id);
        if (failure) return failure;
        const frame = shared.frames.get(id) ?? emptyFrame;
        return kind.grouped ? new Slices(frame, BURST_KEY, true) : new Slices(frame, kind.field, false);
      });
      this.#slices.set(id, slices);
    }
    return slices;
  }

  /** The data source of one document: its plan's queries served from the batch's scan. */
  source(doc: BurstDocument): PlanDataSource {
    const datasets = new Map<string, Promise<PlanData>>();
    const dataset = (name: string) => {
      let data = datasets.get(name);
      if (!data) {
        data = this.#dataset(doc, name);
        data.catch(() => {});
        datasets.set(name, data);
      }
      return data;
    };
    const names = [...doc.prepared.plan.queries.keys()];
    return {
      dataset,
      async all() {
        const parts = await Promise.all(names.map(dataset));
        return {
          frames: new Map(parts.flatMap((p) => [...p.frames])),
          failed: new Map(parts.flatMap((p) => [...p.failed])),
          owned: new Set(parts.flatMap((p) => [...p.owned])),
        };
      },
    };
  }

  async #dataset(doc: BurstDocument, name: string): Promise<PlanData> {
    const frames = new Map<string, Frame>();
    const failed = new Map<string, Problem>();
    const owned = new Set<string>();
    const byId = doc.prepared.plan.queries.get(name) ?? new Map<string, PlannedQuery>();
    const own = new Map<string, PlannedQuery>();
    const shared = await this.#shared;
    for (const [id, planned] of byId) {
      const entry = this.#ids.get(JSON.stringify(planned.query));
      if (!entry || entry.kind.kind === 'each') {
        own.set(id, planned);
        continue;
      }
      if (entry.kind.kind === 'shared') {
        const failure = shared.failed.get(entry.id);
        if (failure) failed.set(id, failure);
        frames.set(id, shared.frames.get(entry.id) ?? emptyFrame);
        continue;
      }
      const slices = await this.#slicesOf(entry.id, entry.kind);
      if (!(slices instanceof Slices)) {
        failed.set(id, slices);
        frames.set(id, emptyFrame);
        continue;
      }
      const frame = await this.#tail(slices.frame(doc.value), planned, entry.kind, doc.prepared.params);
      frames.set(id, frame);
      owned.add(id);
    }
    if (own.size > 0) {
      // What one scan cannot split: this document's own scan of the dataset, for those queries.
      const plan: Plan = {
        blocks: [],
        charts: new Map(),
        tables: new Map(),
        queries: new Map([[name, own]]),
        skipped: [],
      };
      const data = await openPlanData(plan, this.#context(doc.prepared.params)).dataset(name);
      for (const [id, frame] of data.frames) frames.set(id, frame);
      for (const [id, p] of data.failed) failed.set(id, p);
      for (const id of data.owned) owned.add(id);
    }
    return { frames, failed, owned };
  }

  /**
   * A slice as the document's query gives it: sorted and limited as the query says; a query that
   * aggregates without grouping gives its one row even for a value with no rows.
   */
  async #tail(
    slice: Frame,
    planned: PlannedQuery,
    kind: Extract<Kind, { kind: 'split' }>,
    params: Params,
  ): Promise<Frame> {
    const { query } = planned;
    const ungrouped = query.aggregate !== undefined && query.groupBy === undefined;
    if (ungrouped && slice.length === 0) {
      const empty = (async function* (): AsyncIterable<Row> {})();
      // No row to look anything up for.
      const { lookup: _, ...bare } = query;
      const frames = await runQueries(empty, new Map([['q', bare]]), params, { dataset: query.from });
      return frames.get('q') ?? emptyFrame;
    }
    // Nothing to sort or cut (and an empty slice keeps its columns, which a scan of no rows would lose).
    if ((kind.tail.sort === undefined && kind.tail.limit === undefined) || slice.length === 0) return slice;
    const frames = await runQueries(rowsOf(slice), new Map([['q', kind.tail]]), params, {
      dataset: query.from,
    });
    return frames.get('q') ?? emptyFrame;
  }
}

/** Most documents one burst makes (each is planned before the first is drawn). */
export const MAX_BURST_VALUES = 100_000;

/** The values of a burst: given, a dataset column (distinct, ascending), or the param's `values:`. */
export async function burstValues(base: Prepared, each: EachOptions): Promise<Value[]> {
  const values = await valuesOf(base, each);
  if (values.length > MAX_BURST_VALUES)
    throw new ChartpressError(
      problem(
        'CP_ERR_INVALID_VALUE',
        `--each gives ${values.length} values; a burst makes at most ${MAX_BURST_VALUES} documents`,
        {
          file: base.file,
          hint: 'split the batch: filter the values dataset, or run it in parts with --param',
        },
      ),
    );
  return values;
}

async function valuesOf(base: Prepared, each: EachOptions): Promise<Value[]> {
  const declared = base.report.params?.[each.param];
  if (!declared)
    throw new ChartpressError(
      problem('CP_ERR_UNKNOWN_PARAM', `--each names "${each.param}", which the report does not declare`, {
        file: base.file,
        path: 'params',
        hint: `declare it under params:, or name one of: ${Object.keys(base.report.params ?? {}).join(', ') || '(none)'}`,
      }),
    );
  if (each.values) return [...each.values];
  if (each.from !== undefined && each.field !== undefined) {
    if (!base.report.datasets[each.from])
      throw new ChartpressError(
        problem(
          'CP_ERR_UNKNOWN_DATASET',
          `--each reads its values from "${each.from}", which is not a dataset`,
          {
            file: base.file,
            path: 'datasets',
          },
        ),
      );
    const query: Query = { from: each.from, groupBy: [each.field], sort: [each.field] };
    const queries = new Map([[each.from, new Map([['values', { query, path: `each` }]])]]);
    const plan: Plan = { blocks: [], charts: new Map(), tables: new Map(), queries, skipped: [] };
    const { report, baseDir, file, roots, params } = base;
    const data = await openPlanData(plan, { report, params, baseDir, file, roots }).all();
    const failure = data.failed.get('values');
    if (failure) throw new ChartpressError(failure);
    const frame = data.frames.get('values') ?? emptyFrame;
    const col = frame.columns[each.field];
    const out: Value[] = [];
    for (let i = 0; i < frame.length; i++) {
      const v = cell(col, i);
      if (v !== null) out.push(v);
    }
    return out;
  }
  if (declared.values) return [...declared.values];
  throw new ChartpressError(
    problem('CP_ERR_MISSING_FIELD', `the param "${each.param}" has no values to render each of`, {
      file: base.file,
      path: `params.${each.param}.values`,
      hint: "list them under the param's values:, or take them from a dataset column (--each param=dataset.field)",
    }),
  );
}

/** Each value's document, planned with the param set to it; a value the param refuses fails alone. */
export function planDocuments(
  base: Prepared,
  given: ParamInput,
  param: string,
  values: readonly Value[],
): { doc?: BurstDocument; value: Value; error?: ChartpressError }[] {
  return values.map((value) => {
    try {
      const params = resolveParams(base.report, { ...given, [param]: value }, base.file);
      const plan = planReport(base.report, params);
      return { value, doc: { value, prepared: { ...base, params, plan } } };
    } catch (e) {
      if (e instanceof ChartpressError) return { value, error: e };
      throw e;
    }
  });
}
