import {
  checkNumberFormat,
  checkTimeFormat,
  formatNumber,
  numberFormatter,
  timeFormatter,
} from '../chart/format.js';
import { dropForbiddenXmlChars } from '../chart/xml-chars.js';
import { wallClock } from '../document/table.js';
import { type Problem, problem } from '../errors.js';
import { cell, type Frame, type Value } from '../frame.js';
import type { Params } from '../spec/params.js';
import type { Query, Report } from '../spec/schema.js';
import { PARAMS, parseTemplate, type ValueFilter, type ValueRef } from '../spec/template.js';
import type { PlanDataSource } from './data.js';
import type { PlanBlock } from './plan.js';

/**
 * Live values in text (`{{ growth.pct | percent(1) }}`, see spec/template.ts): the queries they
 * read are planned with the charts' (one scan per dataset), and once a dataset is read each
 * heading, text and caption that refers to it gets its values, formatted as the axes format
 * numbers and dates (d3-format, d3-time-format).
 */

/** The rows a name in text refers to: a query under `values:`, or a chart's query. */
export interface ValueSource {
  /** Query id in the plan: `values.<name>`, or `charts.<name>` for a chart's rows. */
  readonly id: string;
  readonly query: Query;
  /** Field path of the query, for messages. */
  readonly path: string;
}

/** The number format of `currency`. */
export const CURRENCY_FORMAT = '$,.0f';

/** What a cell without a value shows, as in tables. */
const NO_VALUE = '–';

/**
 * The sources of the names that text refers to. A chart's rows are computed again under their
 * own id (in the same scan): the chart's frame may be handed over to a worker.
 */
export function planValues(report: Report, names: Iterable<string>): Map<string, ValueSource> {
  const out = new Map<string, ValueSource>();
  for (const name of names) {
    if (name === PARAMS) continue;
    const value = Object.hasOwn(report.values ?? {}, name) ? report.values?.[name] : undefined;
    const chart = Object.hasOwn(report.charts, name) ? report.charts[name] : undefined;
    if (value) out.set(name, { id: `values.${name}`, query: value, path: `values.${name}` });
    else if (chart) out.set(name, { id: `charts.${name}`, query: chart.data, path: `charts.${name}.data` });
  }
  return out;
}

/**
 * A text block's values are written as marks (U+E000, index, U+E001) that Markdown reads as a
 * word, and put in after parsing (document/markdown-values.ts); the characters of marks are
 * dropped from the text itself.
 */
const MARK_CHARS = /[\uE000\uE001]/g;

/** The blocks with their values written in, and a problem for each reference that found none. */
export interface FilledBlocks {
  readonly blocks: readonly PlanBlock[];
  readonly problems: readonly Problem[];
}

/**
 * Writes the values into the plan's blocks, each text waiting for the datasets it reads. A
 * reference that finds no rows, row or field is a `CP_ERR_TEMPLATE` problem at the text's path,
 * and shows as written.
 */
export async function fillValues(
  plan: {
    readonly blocks: readonly PlanBlock[];
    readonly values?: ReadonlyMap<string, ValueSource> | undefined;
  },
  data: PlanDataSource,
  params: Params,
  file: string | undefined,
): Promise<FilledBlocks> {
  const sources = plan.values ?? new Map<string, ValueSource>();
  const paths = templatePaths(plan.blocks);
  if (paths.length === 0) return { blocks: plan.blocks, problems: [] };
  const frameOf = async (name: string, path: string): Promise<Frame | Problem> => {
    const source = sources.get(name);
    if (!source) return problem('CP_ERR_TEMPLATE', `no chart or value is named "${name}"`, { file, path });
    const { frames, failed } = await data.dataset(source.query.from);
    const p = failed.get(source.id);
    if (p)
      return problem('CP_ERR_TEMPLATE', `the rows of "${name}" failed: ${p.code} ${p.message}`, {
        file,
        path,
      });
    return frames.get(source.id) ?? problem('CP_ERR_TEMPLATE', `"${name}" has no rows`, { file, path });
  };
  // Each text's problems by its path, in the order of the blocks once all are filled.
  const texts = new Map<string, Problem[]>();
  for (const path of paths) texts.set(path, []);
  /** The text's parts, each reference as its value (or as written, with a problem). */
  const values = async (text: string, path: string): Promise<(string | { value: string })[]> => {
    const parts = parseTemplate(text);
    if (!Array.isArray(parts)) return [text]; // refused when the report was checked
    // Problems in the order of the text, whichever dataset is read first.
    const found: Problem[][] = parts.map(() => []);
    const out = await Promise.all(
      parts.map(async (p, i) => {
        if (typeof p === 'string') return p.replace(MARK_CHARS, '');
        if (p.name === PARAMS) {
          const text = formatValue(params[p.field] ?? null, p.filter);
          if (text !== undefined) return { value: text };
          found[i]?.push(
            problem('CP_ERR_TEMPLATE', `{{ ${p.source} }}: the param cannot be written with this format`, {
              file,
              path,
            }),
          );
          return { value: `{{ ${p.source} }}` };
        }
        const frame = await frameOf(p.name, path);
        const got = 'length' in frame ? cellOf(frame, p) : frame;
        if (typeof got === 'string') return { value: got };
        found[i]?.push(got.path === undefined ? { ...got, path, ...(file ? { file } : {}) } : got);
        return { value: `{{ ${p.source} }}` };
      }),
    );
    texts.set(path, found.flat());
    return out;
  };
  const plain = async (text: string, path: string) =>
    (await values(text, path)).map((p) => (typeof p === 'string' ? p : p.value)).join('');
  const fill = async (b: PlanBlock): Promise<PlanBlock> => {
    switch (b.kind) {
      case 'heading':
        return b.template === undefined ? b : { ...b, text: await plain(b.text, b.template) };
      case 'chart':
        return b.captionTemplate === undefined || b.caption === undefined
          ? b
          : { ...b, caption: await plain(b.caption, b.captionTemplate) };
      case 'text': {
        if (b.template === undefined) return b;
        const parts = await values(b.text, b.template);
        const list: string[] = [];
        const text = parts
          .map((p) => {
            if (typeof p === 'string') return p;
            list.push(p.value);
            return `\uE000${list.length - 1}\uE001`;
          })
          .join('');
        return { ...b, text, values: list };
      }
      case 'row':
        return { ...b, items: await Promise.all(b.items.map(fill)) };
      default:
        return b;
    }
  };
  const blocks = await Promise.all(plan.blocks.map(fill));
  return { blocks, problems: [...texts.values()].flat() };
}

/** The field paths of the headings, texts and captions that hold references, in document order. */
function templatePaths(blocks: readonly PlanBlock[]): string[] {
  return blocks.flatMap((b) => {
    if (b.kind === 'row') return templatePaths(b.items);
    const path =
      b.kind === 'heading' || b.kind === 'text'
        ? b.template
        : b.kind === 'chart'
          ? b.captionTemplate
          : undefined;
    return path === undefined ? [] : [path];
  });
}

/** The text of one reference in its frame, or why there is none. */
export function cellOf(frame: Frame, ref: ValueRef): string | Problem {
  const fail = (message: string) => problem('CP_ERR_TEMPLATE', `{{ ${ref.source} }}: ${message}`);
  if (frame.length === 0) return fail(`"${ref.name}" has no rows`);
  const fields = frame.fields.join(', ');
  if (!frame.fields.includes(ref.field))
    return fail(`"${ref.name}" has no field "${ref.field}"; fields: ${fields}`);
  let row: number;
  if (ref.row.kind === 'index') {
    row = ref.row.index;
    if (row >= frame.length) return fail(`"${ref.name}" has ${frame.length} rows; row ${row} is past them`);
  } else {
    const { field, value } = ref.row;
    const col = frame.columns[field];
    if (!col) return fail(`"${ref.name}" has no field "${field}"; fields: ${fields}`);
    row = -1;
    for (let i = 0; i < frame.length && row < 0; i++) if (String(cell(col, i)) === value) row = i;
    if (row < 0) return fail(`"${ref.name}" has no row where ${field} is "${value}"`);
  }
  const text = formatValue(cell(frame.columns[ref.field], row), ref.filter);
  return (
    text ?? fail(`${JSON.stringify(cell(frame.columns[ref.field], row))} cannot be written with this format`)
  );
}

/** A cell written with a filter; undefined when the filter does not fit the value (a date format for a number). */
export function formatValue(v: Value, filter: ValueFilter | undefined): string | undefined {
  if (v === null) return NO_VALUE;
  if (filter === undefined) return typeof v === 'number' ? formatNumber(v) : dropForbiddenXmlChars(String(v));
  const number = (spec: string) => (typeof v === 'number' ? numberFormatter(spec)(v) : undefined);
  const date = (spec: string) => {
    const d = typeof v === 'string' ? wallClock(v) : undefined;
    return d && timeFormatter(spec)(d);
  };
  switch (filter.kind) {
    case 'currency':
      return number(CURRENCY_FORMAT);
    case 'percent':
      return number(`.${filter.digits}%`);
    case 'number':
      return number(`,.${filter.digits}f`);
    case 'date':
      return date(filter.format);
    case 'format':
      if (typeof v === 'number')
        return checkNumberFormat(filter.format) === undefined ? number(filter.format) : undefined;
      return checkTimeFormat(filter.format) === undefined ? date(filter.format) : undefined;
  }
}
