import { ChartpressError, problem } from '../errors.js';
import { type Column, cell, type Frame, type Value } from '../frame.js';
import type { ChartEncode as Encode } from '../spec/schema.js';
import { readIsoTime } from './iso-time.js';

/** What a chart module needs to know of the chart to read its data. */
interface EncodedChart {
  readonly id: string;
  readonly type: string;
  readonly encode: Encode;
}

/**
 * The frame column that `encode[channel]` names. Problems carry the path inside the chart
 * (`encode.y`); whoever knows where the chart sits in the report prefixes it. Throws `CP_ERR_UNKNOWN_COLUMN` (listing the
 * frame's columns) when the frame lacks it, and `CP_ERR_MISSING_FIELD` when a required channel
 * is not encoded. Returns undefined for an optional channel left out.
 */
export function channel(chart: EncodedChart, frame: Frame, name: keyof Encode, required: true): Column;
export function channel(
  chart: EncodedChart,
  frame: Frame,
  name: keyof Encode,
  required?: false,
): Column | undefined;
export function channel(
  chart: EncodedChart,
  frame: Frame,
  name: keyof Encode,
  required = false,
): Column | undefined {
  const field = chart.encode[name];
  if (field === undefined) {
    if (!required) return undefined;
    throw new ChartpressError(
      problem('CP_ERR_MISSING_FIELD', `encode.${name}: a ${chart.type} chart needs a column for ${name}`, {
        path: `encode.${name}`,
      }),
    );
  }
  const col = frame.columns[field];
  if (col === undefined) {
    const known = frame.fields.length > 0 ? frame.fields.join(', ') : '(none)';
    throw new ChartpressError(
      problem('CP_ERR_UNKNOWN_COLUMN', `encode.${name}: column "${field}" not found; columns: ${known}`, {
        path: `encode.${name}`,
      }),
    );
  }
  return col;
}

/** A value as a number: numbers as is, numeric strings parsed, booleans as 1/0, else null. */
export function toNumber(v: Value | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** A value as a label: null reads "(none)". */
export function toLabel(v: Value | undefined): string {
  return v === null || v === undefined ? '(none)' : String(v);
}

/** Data pivoted to one series per distinct `series` value over the distinct x values. */
export interface Pivot {
  /** Distinct x values, in first-seen order. */
  readonly categories: readonly Value[];
  /** One entry per series, values aligned with `categories`; a missing pair is null. */
  readonly series: readonly { readonly name: string; readonly values: readonly (number | null)[] }[];
}

/**
 * Pivots x/y (and an optional series column) into aligned series. Series come in first-seen
 * order, as do categories (the query has already sorted them). Repeated (x, series) pairs are
 * summed. Without a series column there is one series named `name`.
 */
export function pivot(x: Column, y: Column, series: Column | undefined, name: string): Pivot {
  const catIndex = new Map<Value, number>();
  const categories: Value[] = [];
  const seriesIndex = new Map<string, number>();
  const out: { name: string; values: (number | null)[] }[] = [];
  for (let i = 0; i < x.length; i++) {
    const xv = cell(x, i);
    let c = catIndex.get(xv);
    if (c === undefined) {
      c = categories.length;
      catIndex.set(xv, c);
      categories.push(xv);
    }
    const sName = series ? toLabel(cell(series, i)) : name;
    let s = seriesIndex.get(sName);
    if (s === undefined) {
      s = out.length;
      seriesIndex.set(sName, s);
      out.push({ name: sName, values: [] });
    }
    const v = toNumber(cell(y, i));
    const values = out[s]!.values;
    const prev = values[c];
    values[c] = v === null ? (prev ?? null) : (prev ?? 0) + v;
  }
  for (const s of out) {
    for (let c = 0; c < categories.length; c++) s.values[c] ??= null;
  }
  return { categories, series: out };
}

const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Milliseconds since the epoch of an ISO date string; a time without zone is read as UTC. */
export function parseDate(v: Value | undefined): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string') return null;
  // The usual spellings, read by hand; years before 100 go the long way, where Date.UTC reads them as 19xx.
  if (v.charCodeAt(0) !== 0x30 || v.charCodeAt(1) !== 0x30) {
    const t = readIsoTime(v);
    if (t !== undefined) return t;
  }
  const m = ISO_DATE.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const ms = frac ? Math.round(Number(frac) * 1000) : 0;
  let offset = 0;
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offset = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return base + ms - offset;
}

/** True when every non-null value is an ISO date string (and there is at least one). */
export function isDateColumn(col: Column): boolean {
  let seen = false;
  for (let i = 0; i < col.length; i++) {
    const v = cell(col, i);
    if (v === null) continue;
    if (typeof v !== 'string' || (readIsoTime(v) === undefined && !ISO_DATE.test(v.trim()))) return false;
    seen = true;
  }
  return seen;
}

/** True when every non-null value is a number (and there is at least one). */
export function isNumberColumn(col: Column): boolean {
  let seen = false;
  for (let i = 0; i < col.length; i++) {
    const v = cell(col, i);
    if (v === null) continue;
    if (typeof v !== 'number') return false;
    seen = true;
  }
  return seen;
}

/** Largest absolute numeric value in the series, 0 when there is none. */
export function maxAbs(values: Iterable<number | null>): number {
  let m = 0;
  for (const v of values) if (v !== null && Math.abs(v) > m) m = Math.abs(v);
  return m;
}
