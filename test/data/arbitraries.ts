import fc from 'fast-check';
import type { BatchColumn, ColumnBatch } from '../../src/data/batch.js';
import { IsoTimeColumn } from '../../src/data/batch-time.js';
import { timeFromBytes, timeShape } from '../../src/data/sources/csv-time.js';
import { type Column, type Frame, type Row, TimeColumn, type Value } from '../../src/frame.js';
import { type Aggregate, AggregateOp, type Filter, type GroupBy, type Query } from '../../src/spec/schema.js';

/** Random datasets, queries and column batches for the tests that run a scan both ways. */

/** Columns of the random rows: numbers, mixed cells, categories, dates, booleans. */
export const NAMES = ['n', 'x', 's', 'd', 'b'] as const;

const dates = [
  '2024-03-31',
  '2024-02-29',
  '2024-03-31T00:30:00Z',
  '2024-03-31T01:59:59.999Z',
  '2024-03-31T02:00:00Z',
  '2024-10-27T00:59:00Z',
  '2024-10-27T01:00:00',
  '2024-11-03T05:30:00Z',
  '2024-03-10T05:29:59Z',
  '2024-12-31T23:30:00Z',
  '2024-12-31T18:44:00Z',
  '2024-12-31T18:45:00.5Z',
  '2024-01-01 00:10:00',
  '2024-01-01t12:00Z',
  '2024-02-29T23:59:59.123456789Z',
  '2024-01-15T23:30:00+05:00',
  '2024-01-15T20:00:00-03:30',
  '1900-01-01T00:05:00Z',
];
const badDates = ['2023-02-29T10:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', 'soon', ' '];

/** A timestamp near a day, hour or offset change, written as the sources write them. */
const timestamp = fc
  .record({
    base: fc.constantFrom(
      Date.UTC(2024, 2, 31, 0, 0),
      Date.UTC(2024, 9, 27, 1, 0),
      Date.UTC(2024, 2, 10, 5, 30),
      Date.UTC(2024, 10, 3, 3, 30),
      Date.UTC(2024, 1, 28, 23, 0),
      Date.UTC(2023, 11, 31, 23, 0),
      // Paris kept its own mean time, 9 min 21 s ahead of UTC, until 1911.
      Date.UTC(1900, 0, 1, 23, 50),
    ),
    minutes: fc.integer({ min: -300, max: 300 }),
    seconds: fc.integer({ min: 0, max: 59 }),
    form: fc.constantFrom('Z', 'ms', 'bare', 'space', 'offset'),
  })
  .map(({ base, minutes, seconds, form }) => {
    const iso = new Date(base + minutes * 60_000 + seconds * 1000).toISOString();
    if (form === 'ms') return iso;
    if (form === 'bare') return iso.slice(0, 19);
    if (form === 'space') return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
    if (form === 'offset') return `${iso.slice(0, 19)}+05:45`;
    return `${iso.slice(0, 19)}Z`;
  });

const number = fc.oneof(
  fc.integer({ min: -5, max: 20 }),
  fc.constantFrom(0, -0),
  fc.constantFrom(0.1, 0.2, 0.3, 1e16, -0, 2.5, 7.25),
  fc.double({ noNaN: true }),
);
const text = fc.constantFrom('EU', 'US', 'APAC', 'eu', '12', '007', '2.5', '', 'n/a');
const cellOf = {
  n: fc.oneof({ weight: 6, arbitrary: number }, fc.constant(null), fc.constant(Number.POSITIVE_INFINITY)),
  x: fc.oneof(number, text, fc.boolean(), fc.constant(null), fc.constantFrom(...dates)),
  s: fc.oneof({ weight: 5, arbitrary: text }, fc.constant(null)),
  d: fc.oneof(
    { weight: 4, arbitrary: timestamp },
    { weight: 2, arbitrary: fc.constantFrom(...dates) },
    fc.constantFrom(...badDates),
    fc.constant(null),
    fc.constant(3),
  ),
  b: fc.oneof(fc.boolean(), fc.constant(null)),
} satisfies Record<(typeof NAMES)[number], fc.Arbitrary<Value>>;

/** Rows with every column of `NAMES`. */
export const rowsArb: fc.Arbitrary<Row[]> = fc.array(fc.record(cellOf), { maxLength: 80, size: 'medium' });

const field = fc.constantFrom(...NAMES);

/** A filter on a column, its values mostly drawn from that column's cells. */
const filterArb: fc.Arbitrary<Filter> = field.chain((f) => {
  const scalar: fc.Arbitrary<Value> = fc.oneof(
    { weight: 3, arbitrary: cellOf[f] },
    fc.constantFrom(...dates.slice(0, 6)),
    fc.constant(null),
  );
  return fc.oneof(
    fc.record({
      field: fc.constant(f),
      op: fc.constantFrom('eq', 'ne', 'lt', 'lte', 'gt', 'gte', 'contains' as const),
      value: scalar,
    }),
    fc.record({
      field: fc.constant(f),
      op: fc.constant('in' as const),
      value: fc.array(scalar, { maxLength: 3 }),
    }),
    fc.record({
      field: fc.constant(f),
      op: fc.constant('between' as const),
      value: fc.tuple(scalar, scalar),
    }),
    fc.record({ field: fc.constant(f), op: fc.constantFrom('isNull', 'notNull' as const) }),
    fc.record({
      field: fc.constant('s'),
      op: fc.constant('eq' as const),
      value: fc.constant({ param: 'p' }),
    }),
  );
});

const zone = fc.constantFrom(undefined, 'UTC', 'Europe/Paris', 'America/St_Johns', 'Asia/Kathmandu');
const groupByArb: fc.Arbitrary<GroupBy> = fc.oneof(
  field,
  fc.record(
    {
      field,
      bucket: fc.constantFrom('hour', 'day', 'week', 'month', 'quarter', 'year' as const),
      timezone: zone,
    },
    { requiredKeys: ['field', 'bucket'] },
  ),
  fc.record({
    field,
    bin: fc.record({ step: fc.constantFrom(0.1, 1, 2.5, 10), offset: fc.constantFrom(0, 0.5, -3) }),
  }),
);

const aggregateArb: fc.Arbitrary<Aggregate> = fc.oneof(
  fc.record({ op: fc.constant('count' as const) }),
  fc.record({
    op: fc.constantFrom(...(Object.keys(AggregateOp) as AggregateOp[])),
    field,
  }),
);

/** A query over `NAMES`: filters of every op, every kind of groupBy, every aggregate, or rows passed through. */
export const queryArb: fc.Arbitrary<Query> = fc
  .record({
    filter: fc.oneof(fc.constant([]), fc.array(filterArb, { minLength: 1, maxLength: 2 })),
    groupBy: fc.array(groupByArb, { maxLength: 3 }),
    aggregate: fc.array(aggregateArb, { maxLength: 3 }),
    limit: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    other: fc.boolean(),
    onInvalid: fc.constantFrom(undefined, 'skip', 'error' as const),
    sorted: fc.boolean(),
  })
  .map(({ filter, groupBy, aggregate, limit, other, onInvalid, sorted }) => {
    // Outputs named apart, so that a query is rarely wrong for its names alone.
    const items = groupBy.map((g, i) =>
      typeof g === 'string' ? { field: g, as: `k${i}` } : { ...g, as: `k${i}` },
    );
    const aggs = Object.fromEntries(aggregate.map((a, i) => [`a${i}`, a]));
    const grouped = items.length > 0 || aggregate.length > 0;
    const q: Query = { from: 'd', filter: [...filter], groupBy: items, aggregate: aggs };
    if (onInvalid !== undefined) q.onInvalid = onInvalid;
    if (limit !== undefined) q.limit = limit;
    if (grouped && items.length > 0 && limit !== undefined && other) q.other = true;
    if (sorted) {
      const by = grouped ? [...items.map((g) => g.as), ...Object.keys(aggs)] : [...NAMES];
      if (by.length > 0) q.sort = [{ field: by[by.length - 1]!, order: 'desc' }];
    }
    return q;
  });

/**
 * A query without groupBy or aggregate (rows passed through): filters of every op, sorted by
 * up to two columns either way, limited or not (sometimes past the number of rows).
 */
export const passThroughArb: fc.Arbitrary<Query> = fc
  .record({
    filter: fc.array(filterArb, { maxLength: 3 }),
    sort: fc.array(fc.oneof(field, fc.record({ field, order: fc.constantFrom('asc', 'desc' as const) })), {
      maxLength: 2,
    }),
    limit: fc.option(fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 100 })), {
      nil: undefined,
    }),
    onInvalid: fc.constantFrom(undefined, 'skip', 'error' as const),
  })
  .map(({ filter, sort, limit, onInvalid }) => {
    const q: Query = { from: 'd', filter };
    if (sort.length > 0) q.sort = sort;
    if (limit !== undefined) q.limit = limit;
    if (onInvalid !== undefined) q.onInvalid = onInvalid;
    return q;
  });

/**
 * How rows become batches: the rows cut in chunks of `chunk`, each column stored as a number
 * column, a dictionary (with an unused entry and a repeated value, in shuffled order) or plain
 * values, as `kinds` picks, or for the batch `b`, `perBatch[b % perBatch.length]` when given
 * (so that one column is stored differently from batch to batch).
 */
export interface BatchPlan {
  readonly chunk: number;
  readonly kinds: readonly number[];
  readonly seed: number;
  readonly perBatch?: readonly (readonly number[])[];
}

export const planArb: fc.Arbitrary<BatchPlan> = fc.record({
  chunk: fc.integer({ min: 1, max: 70 }),
  kinds: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: NAMES.length, maxLength: NAMES.length }),
  seed: fc.integer(),
});

const kindsArb = fc.array(fc.integer({ min: 0, max: 3 }), {
  minLength: NAMES.length,
  maxLength: NAMES.length,
});

/** A plan whose batches store each column their own way. */
export const mixedPlanArb: fc.Arbitrary<BatchPlan> = fc.record({
  chunk: fc.integer({ min: 1, max: 30 }),
  kinds: kindsArb,
  seed: fc.integer(),
  perBatch: fc.array(kindsArb, { minLength: 1, maxLength: 4 }),
});

/**
 * The cells as a CSV file's time column reads them (`IsoTimeColumn`): when each is null or a
 * timestamp the reader takes, all of one shape, and one at least is.
 */
function timeColumn(cells: readonly Value[]): IsoTimeColumn | undefined {
  let shape: number | undefined;
  const ms = new Float64Array(cells.length);
  for (const [i, v] of cells.entries()) {
    if (v === null) {
      ms[i] = Number.NaN;
      continue;
    }
    if (typeof v !== 'string') return undefined;
    const bytes = Buffer.from(v);
    const s = timeShape(bytes, 0, bytes.length);
    if (s < 0 || (shape !== undefined && s !== shape)) return undefined;
    shape = s;
    ms[i] = timeFromBytes(bytes, 0, bytes.length, s);
    if (Number.isNaN(ms[i])) return undefined;
  }
  return shape === undefined ? undefined : new IsoTimeColumn(ms, shape);
}

/** The rows cut into column batches as `plan` says. */
export function toBatches(rows: readonly Row[], plan: BatchPlan): ColumnBatch[] {
  const out: ColumnBatch[] = [];
  for (let at = 0; at < rows.length; at += plan.chunk) {
    const part = rows.slice(at, at + plan.chunk);
    const kinds = plan.perBatch?.[out.length % plan.perBatch.length] ?? plan.kinds;
    const columns = NAMES.map((name, c) =>
      toColumn(
        part.map((r) => r[name] ?? null),
        kinds[c] ?? 0,
        plan.seed + c,
      ),
    );
    out.push({ length: part.length, names: NAMES, columns });
  }
  return out;
}

function toColumn(cells: Value[], kind: number, seed: number): BatchColumn {
  if (kind === 0 && cells.every((v) => v === null || typeof v === 'number')) {
    return { kind: 'number', values: Float64Array.from(cells, (v) => (v === null ? Number.NaN : v)) };
  }
  const times = kind === 3 ? timeColumn(cells) : undefined;
  if (times) return times;
  if (kind === 2) return { kind: 'values', values: cells };
  // Distinct by Object.is (so -0 keeps its own entry), shuffled, one unused entry, one value twice.
  const distinct: Value[] = [];
  for (const v of cells) if (!distinct.some((d) => Object.is(d, v))) distinct.push(v);
  let s = seed | 0;
  for (let i = distinct.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) | 0;
    const j = (s >>> 8) % (i + 1);
    [distinct[i], distinct[j]] = [distinct[j]!, distinct[i]!];
  }
  const dict = [...distinct, 'unused', ...distinct.slice(0, 1)];
  const codes = Int32Array.from(cells, (v, i) => {
    const first = distinct.findIndex((d) => Object.is(d, v));
    // Rows of the repeated value take its second entry every other time.
    return first === 0 && i % 2 === 1 ? dict.length - 1 : first;
  });
  return { kind: 'dict', codes, dict };
}

/** A frame in a form where deep equality is exact: cell types, -0, NaN and storage all show. */
export function exact(frame: Frame): unknown {
  // Timestamps held as numbers stand for an array of their texts.
  const cells = (kept: Column | undefined) => {
    const col = kept instanceof TimeColumn ? kept.values : kept;
    return col === undefined
      ? 'missing'
      : {
          storage: col instanceof Float64Array ? 'f64' : 'array',
          cells: Array.from(col as ArrayLike<Value>, (v) =>
            typeof v === 'number' && Object.is(v, -0) ? 'number:-0' : `${typeof v}:${String(v)}`,
          ),
        };
  };
  return {
    fields: frame.fields,
    length: frame.length,
    columns: frame.fields.map((f) => [f, cells(frame.columns[f])]),
  };
}
