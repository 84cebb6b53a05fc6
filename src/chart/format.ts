import { ChartpressError, problem } from '../errors.js';

/** A parsed number format: `[$][,][.N](f|%|s)`. */
export interface NumberFormat {
  readonly currency: boolean;
  readonly group: boolean;
  readonly precision: number | undefined;
  readonly type: 'f' | '%' | 's' | undefined;
}

const PATTERN = /^(\$)?(,)?(?:\.(\d{1,2}))?([f%s])?$/;

/** Large-number suffixes as finance writes them (B for billions, not G). */
const SI_SUFFIXES = ['', 'k', 'M', 'B', 'T'] as const;

/**
 * Parses a number format such as `,.0f`, `$,.2f`, `.1%` or `.2s`. Throws `CP_ERR_INVALID_VALUE`
 * naming the format when it does not match `[$][,][.N](f|%|s)`.
 */
export function parseNumberFormat(spec: string): NumberFormat {
  const m = PATTERN.exec(spec);
  if (!m || spec === '') {
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', `number format "${spec}": expected [$][,][.N](f|%|s), e.g. "$,.0f"`),
    );
  }
  const type = m[4] as NumberFormat['type'];
  return {
    currency: m[1] === '$',
    group: m[2] === ',',
    precision: m[3] === undefined ? undefined : Number(m[3]),
    type: type ?? (m[3] === undefined ? undefined : 'f'),
  };
}

function groupThousands(digits: string): string {
  const dot = digits.indexOf('.');
  const int = dot < 0 ? digits : digits.slice(0, dot);
  const rest = dot < 0 ? '' : digits.slice(dot);
  return int.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + rest;
}

function trimZeros(digits: string): string {
  return digits.includes('.') ? digits.replace(/\.?0+$/, '') : digits;
}

/** The SI-style body of `|v|` with `n` significant digits and a k/M/B/T suffix. */
function siBody(abs: number, n: number): string {
  const rounded = Number(abs.toPrecision(n));
  let k = 0;
  for (let i = SI_SUFFIXES.length - 1; i > 0; i--) {
    if (rounded >= 10 ** (3 * i)) {
      k = i;
      break;
    }
  }
  const digits = (rounded / 10 ** (3 * k)).toPrecision(n);
  return trimZeros(digits.includes('e') ? String(Number(digits)) : digits) + SI_SUFFIXES[k];
}

/** Formats `v` with a parsed format. Locale-independent: `.` decimals, `,` thousands. */
function formatWith(f: NumberFormat, v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '' : v > 0 ? '∞' : '-∞';
  const abs = Math.abs(v);
  let body: string;
  let suffix = '';
  switch (f.type) {
    case 'f':
      body = f.precision === undefined ? trimZeros(abs.toFixed(2)) : abs.toFixed(f.precision);
      break;
    case '%':
      body = (abs * 100).toFixed(f.precision ?? 0);
      suffix = '%';
      break;
    case 's':
      body = siBody(abs, Math.max(1, f.precision ?? 3));
      break;
    default:
      body = trimZeros(abs.toFixed(2));
  }
  if (f.group || f.type === undefined) body = groupThousands(body);
  const zero = /^[0.,]*$/.test(body.replace(/[kMBT]$/, ''));
  const sign = v < 0 && !zero ? '-' : '';
  return `${sign}${f.currency ? '$' : ''}${body}${suffix}`;
}

const DEFAULT_FORMAT: NumberFormat = { currency: false, group: true, precision: undefined, type: undefined };
const compiled = new Map<string, (v: number) => string>();

/**
 * A formatting function for a number format (see `formatNumber`), compiled once per format.
 * Throws `CP_ERR_INVALID_VALUE` for a malformed format.
 */
export function numberFormatter(spec?: string): (v: number) => string {
  const key = spec ?? '';
  let fn = compiled.get(key);
  if (!fn) {
    const f = spec === undefined ? DEFAULT_FORMAT : parseNumberFormat(spec);
    fn = (v: number) => formatWith(f, v);
    if (compiled.size < 256) compiled.set(key, fn);
  }
  return fn;
}

/**
 * Formats a number with the mini-language `[$][,][.N](f|%|s)`:
 * `$` prefixes a dollar sign, `,` groups thousands, `.N` is the number of decimals (`f`, `%`)
 * or of significant digits (`s`, default 3), `f` is fixed-point, `%` multiplies by 100 and
 * appends `%`, `s` abbreviates with k, M, B, T. Examples: `,.0f` 12345 -> "12,345";
 * `$,.2f` 12345.678 -> "$12,345.68"; `.1%` 0.42 -> "42.0%"; `.2s` 1234567 -> "1.2M".
 * Without a format: thousands separators and at most 2 decimals, trailing zeros dropped.
 * `null`/`undefined` give an empty string.
 */
export function formatNumber(value: number | null | undefined, spec?: string): string {
  if (value === null || value === undefined) return '';
  return numberFormatter(spec)(value);
}
