import { type ColumnKind, type Dialect, NotPushable } from './dialect.js';

const NUMBERS = new Set<ColumnKind>(['number', 'numeric', 'float4']);
const STRINGS = new Set<ColumnKind>(['text', 'date', 'timestamp', 'timestamptz', 'other']);
const MAX = '1.7976931348623157e308';

// The same rewrite as the source's parser (see postgres-types.ts), so values compare as strings.
const ISO_TIMESTAMP = String.raw`'^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(\.\d+)?)$'`;
const ISO_TIMESTAMPTZ = String.raw`'^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(\.\d+)?)\+00$'`;

function unsupported(ref: string, kind: ColumnKind, what: string): never {
  const type = kind === 'other' ? 'read as text' : `of type ${kind}`;
  throw new NotPushable(`${what} on column ${ref.slice(2)} (${type}) in PostgreSQL`);
}

/** The engine reads four-digit years from 0100 on; other dates (and infinity) are no date to it. */
function dateRange(kind: ColumnKind): [string, string] {
  return kind === 'timestamptz'
    ? [`'0100-01-01 00:00:00+00'`, `'10000-01-01 00:00:00+00'`]
    : [`'0100-01-01'`, `'10000-01-01'`];
}

/** The cell as the source yields it: numbers as float8 (NaN as NULL), strings in the "C" collation. */
function value(r: string, kind: ColumnKind): string {
  switch (kind) {
    case 'number':
    case 'numeric':
      return `NULLIF(${r}::float8, 'NaN')`;
    case 'float4':
      // The source parses float4's shortest text form, which is not the float8 the cast would give.
      return `NULLIF(${r}::text::float8, 'NaN')`;
    case 'bool':
      return r;
    case 'text':
    case 'date':
      return `(${r}::text COLLATE "C")`;
    case 'timestamp':
      return `(regexp_replace(${r}::text, ${ISO_TIMESTAMP}, '\\1T\\2Z') COLLATE "C")`;
    case 'timestamptz':
      return `(regexp_replace(${r}::text, ${ISO_TIMESTAMPTZ}, '\\1T\\2Z') COLLATE "C")`;
    default:
      // concat() prints any type as its output function does (char(n) keeps its padding, which
      // a cast to text drops), and so as the source reads it.
      return `(CASE WHEN ${r} IS NOT NULL THEN concat(${r}) END COLLATE "C")`;
  }
}

/** Decimals that bin edges are rounded to, as in binner(): those of step and offset, at most 15. */
function binDigits(step: number, offset: number): number {
  const decimals = (n: number) => {
    const [mantissa = '', exponent] = String(n).split('e');
    return Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - Number(exponent ?? 0));
  };
  return Math.min(15, Math.max(decimals(step), decimals(offset)));
}

/**
 * PostgreSQL fragments. Columns have one type each, so each expression is chosen by the
 * column's kind; where the result could differ from the streaming engine (parsing numbers out of
 * text, printing numbers as text, time buckets of text) the compiler is told to fall back.
 * Sessions run with `TimeZone=UTC` and `DateStyle=ISO` (see postgres-client.ts).
 */
export const postgresDialect: Dialect = {
  name: 'postgres',
  param: (n, v, int) => `$${n}::${int ? 'int8' : typeof v === 'number' ? 'float8' : 'text'}`,
  value,
  isNull: (r, kind) => `(${NUMBERS.has(kind) ? value(r, kind) : r} IS NULL)`,
  num: (r, kind) => {
    if (NUMBERS.has(kind)) return value(r, kind);
    if (kind === 'bool' || kind === 'date' || kind === 'timestamp' || kind === 'timestamptz')
      return 'NULL::float8';
    return unsupported(r, kind, 'a numeric comparison');
  },
  str: (r, kind) => {
    if (STRINGS.has(kind)) return value(r, kind);
    if (kind === 'bool') return `(CASE ${r} WHEN true THEN 'true' WHEN false THEN 'false' END)`;
    return unsupported(r, kind, 'a text comparison');
  },
  contains: (r, kind, p) => (STRINGS.has(kind) ? `(strpos(${value(r, kind)}, ${p()}) > 0)` : 'FALSE'),
  finite: (r, kind) => {
    if (!NUMBERS.has(kind)) return 'NULL::float8';
    // numeric stays numeric, whose sums are exact, rather than paying a float8 conversion per
    // row; a value past the float8 range is infinite to JavaScript. abs(NaN) passes no bound.
    if (kind === 'numeric') return `(CASE WHEN abs(${r}) <= ${MAX} THEN ${r} END)`;
    const v = value(r, kind);
    return `(CASE WHEN abs(${v}) < 'Infinity'::float8 THEN ${v} END)`;
  },
  extreme: (r, kind, fn, filter = '') => {
    if (kind === 'numeric') return `${fn}(NULLIF(${r}, 'NaN'))${filter}`;
    if (NUMBERS.has(kind) || STRINGS.has(kind)) return `${fn}(${value(r, kind)})${filter}`;
    return 'NULL::float8';
  },
  bucket: (r, kind, unit) => {
    if (NUMBERS.has(kind) || kind === 'bool') return 'NULL::text';
    if (kind !== 'date' && kind !== 'timestamp' && kind !== 'timestamptz')
      return unsupported(r, kind, 'a time bucket');
    const ts = kind === 'date' ? `${r}::timestamp` : kind === 'timestamptz' ? `(${r} AT TIME ZONE 'UTC')` : r;
    const format = unit === 'hour' ? `'YYYY-MM-DD"T"HH24":00:00Z"'` : `'YYYY-MM-DD'`;
    const [low, high] = dateRange(kind);
    return `(CASE WHEN ${r} >= ${low} AND ${r} < ${high} THEN to_char(date_trunc('${unit}', ${ts}), ${format}) END COLLATE "C")`;
  },
  isText: (r, kind) => (NUMBERS.has(kind) || kind === 'bool' ? 'FALSE' : `(${r} IS NOT NULL)`),
  isDateMiss: (r, kind) => {
    if (NUMBERS.has(kind) || kind === 'bool') return `(${r} IS NOT NULL)`;
    // Text would need the engine's date reader: such queries are streamed.
    if (kind !== 'date' && kind !== 'timestamp' && kind !== 'timestamptz')
      return unsupported(r, kind, 'a date check');
    const [low, high] = dateRange(kind);
    return `(${r} IS NOT NULL AND NOT (${r} >= ${low} AND ${r} < ${high}))`;
  },
  bin: (r, kind, step, offset, bind) => {
    if (!NUMBERS.has(kind)) return 'NULL::float8';
    const v = value(r, kind);
    const [s, o, scale] = [bind(step), bind(offset), bind(10 ** binDigits(step, offset))];
    const q = `((${v} - ${o}) / ${s})`;
    // As binner(): a quotient within 1e-9 of an integer is that integer; edges are rounded to
    // the decimals of step and offset. Both roundings only ever meet near-integers, so
    // PostgreSQL's half-even round() agrees with Math.round.
    const k = `(CASE WHEN abs(${q} - round(${q})) < 1e-9 THEN round(${q}) ELSE floor(${q}) END)`;
    return `(CASE WHEN ${v} NOT IN ('Infinity'::float8, '-Infinity'::float8) THEN round((${o} + ${k} * ${s}) * ${scale}) / ${scale} END)`;
  },
  sum: (x, filter = '') => `coalesce(sum(${x})${filter}, 0)`,
  // As JavaScript divides: the (exact) numeric average would differ in the last digits.
  avg: (x, kind, filter = '') =>
    kind === 'numeric'
      ? `((sum(${x})${filter})::float8 / nullif(count(${x})${filter}, 0))`
      : `avg(${x})${filter}`,
};
