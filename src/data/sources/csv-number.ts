/**
 * Decimal numbers read straight from bytes, with the result `parseNumber` gives for the same
 * text, bit for bit.
 */

/** `numberFromBytes` result: the bytes are not a number (they hold a character no number has). */
export const NOT_NUMBER = Number.NEGATIVE_INFINITY;

/**
 * `numberFromBytes` result: the bytes hold whitespace or non-ASCII text, which `parseNumber`
 * may still read as a number (it trims Unicode whitespace): decode the text and ask it.
 */
export const UNSURE = Number.POSITIVE_INFINITY;

// `plainNumber`'s NaN, a module constant (see `NOT_A_TIME` in csv-time.ts).
const NOT_PLAIN = Number.NaN;

// Powers of ten that a double holds exactly.
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * The number that the bytes `b[s..e)` (not empty) spell as `[+-]digits[.digits][e[+-]digits]`,
 * or `NOT_NUMBER`, or `UNSURE`. Small numbers take Clinger's fast path: a mantissa below 2^53
 * and a power of ten up to 1e22 are exact doubles, so one multiplication or division rounds
 * correctly; anything else goes through `Number()`. A number too large for a double is
 * `NOT_NUMBER`, as `parseNumber` refuses it.
 */
export function numberFromBytes(b: Buffer, s: number, e: number): number {
  let i = s;
  let c = b[i]!;
  const negative = c === 45; /* - */
  if (negative || c === 43 /* + */) i++;
  let mantissa = 0;
  let digits = 0;
  while (i < e) {
    c = b[i]! - 48;
    if (c < 0 || c > 9) break;
    mantissa = mantissa * 10 + c;
    digits++;
    i++;
  }
  let scale = 0;
  if (i < e && b[i] === 46 /* . */) {
    i++;
    while (i < e) {
      c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      mantissa = mantissa * 10 + c;
      scale++;
      i++;
    }
  }
  if (digits + scale === 0) return unexpected(b, i, e);
  let exponent = 0;
  if (i < e) {
    c = b[i]!;
    if (c !== 101 && c !== 69 /* e E */) return unexpected(b, i, e);
    i++;
    const sign = i < e ? b[i] : 0;
    const minus = sign === 45;
    if (minus || sign === 43) i++;
    const first = i;
    while (i < e) {
      c = b[i]! - 48;
      if (c < 0 || c > 9) break;
      // Past this the value is 0 or infinite anyway; Number() decides which.
      if (exponent < 1e6) exponent = exponent * 10 + c;
      i++;
    }
    if (i === first || i < e) return unexpected(b, i, e);
    if (minus) exponent = -exponent;
  }
  const power = exponent - scale;
  // The mantissa only grows, so below 2^53 at the end means exact all along.
  if (mantissa <= Number.MAX_SAFE_INTEGER && power >= -22 && power <= 22) {
    const n = power >= 0 ? mantissa * POW10[power]! : mantissa / POW10[-power]!;
    return negative ? -n : n;
  }
  const n = Number(b.toString('latin1', s, e));
  return Number.isFinite(n) ? n : NOT_NUMBER;
}

/**
 * The number of plain decimal bytes `b[s..e)` (not empty): `[-]digits[.digits]` with at most
 * 15 digits and no leading zero before another digit; NaN for anything else (read it with
 * `numberFromBytes`). The short path for the numbers of most files.
 */
export function plainNumber(b: Buffer, s: number, e: number): number {
  let i = s;
  const negative = b[i] === 45;
  if (negative) i++;
  if (b[i] === 48 && i + 1 < e && (b[i + 1]! - 48) >>> 0 <= 9) return NOT_PLAIN;
  let mantissa = 0;
  let digits = 0;
  let dot = -1;
  for (; i < e; i++) {
    const d = b[i]! - 48;
    if (d >= 0 && d <= 9) {
      mantissa = mantissa * 10 + d;
      digits++;
    } else if (d === -2 && dot < 0) {
      dot = i;
    } else {
      return NOT_PLAIN;
    }
  }
  if (digits === 0 || digits > 15) return NOT_PLAIN;
  const n = dot < 0 || dot === e - 1 ? mantissa : mantissa / POW10[e - dot - 1]!;
  return negative ? -n : n;
}

/** A character that ends the number early: whitespace and non-ASCII bytes leave it open. */
function unexpected(b: Buffer, i: number, e: number): number {
  if (i >= e) return NOT_NUMBER;
  const c = b[i]!;
  return c === 32 || (c >= 9 && c <= 13) || c >= 128 ? UNSURE : NOT_NUMBER;
}

/**
 * The bytes start like an integer with a leading zero (`007`, `-01`): a code, not a number, for
 * columns whose type is inferred (see `inferCell`).
 */
export function leadingZero(b: Buffer, s: number, e: number): boolean {
  let i = s;
  const c = b[i];
  if (c === 45 || c === 43) i++;
  if (i + 1 >= e || b[i] !== 48) return false;
  const d = b[i + 1]!;
  return d >= 48 && d <= 57;
}
