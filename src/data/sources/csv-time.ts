import {
  daysFromCivil,
  daysInMonth,
  SHAPE_MILLIS,
  SHAPE_SPACE,
  SHAPE_ZONE,
  shapeLength,
} from '../../time-text.js';

/**
 * ISO timestamps read straight from the bytes of CSV cells (see `time-text.ts`), with no text
 * made: a column whose first cell is one is read as numbers while every cell has its shape.
 */

const DASH = 45;
const COLON = 58;
// NaN from a module constant, not `Number.NaN`: a property load that a cell first failing after the
// function was compiled would make V8 throw the compiled code away.
const NOT_A_TIME = Number.NaN;

/** The shape of the bytes `b[s..e)` when they are an ISO timestamp `timeFromBytes` reads; -1 otherwise. */
export function timeShape(b: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n < 19 || n > 24 || b[s + 4] !== DASH || b[s + 7] !== DASH || b[s + 13] !== COLON) return -1;
  let shape = 0;
  const sep = b[s + 10];
  if (sep === 32) shape |= SHAPE_SPACE;
  else if (sep !== 84 /* T */) return -1;
  if (n >= 23 && b[s + 19] === 46 /* . */) shape |= SHAPE_MILLIS;
  if (b[e - 1] === 90 /* Z */) shape |= SHAPE_ZONE;
  if (shapeLength(shape) !== n) return -1;
  return Number.isNaN(timeFromBytes(b, s, e, shape)) ? -1 : shape;
}

/** The two digits at `i`, or a number above 99 when either is not a digit. */
function two(b: Buffer, i: number): number {
  const d0 = (b[i]! - 48) >>> 0;
  const d1 = (b[i + 1]! - 48) >>> 0;
  return d0 > 9 || d1 > 9 ? 1000 : d0 * 10 + d1;
}

/**
 * The number of the timestamp `b[s..e)` of shape `shape` (see `time-text.ts`), or NaN when the
 * bytes are not exactly a real date and time of that shape.
 */
export function timeFromBytes(b: Buffer, s: number, e: number, shape: number): number {
  if (e - s !== shapeLength(shape)) return NOT_A_TIME;
  if (b[s + 4] !== DASH || b[s + 7] !== DASH || b[s + 13] !== COLON || b[s + 16] !== COLON) return NOT_A_TIME;
  if (b[s + 10] !== (shape & SHAPE_SPACE ? 32 : 84)) return NOT_A_TIME;
  const y0 = two(b, s);
  const y1 = two(b, s + 2);
  const month = two(b, s + 5);
  const day = two(b, s + 8);
  const hour = two(b, s + 11);
  const minute = two(b, s + 14);
  const second = two(b, s + 17);
  if (y0 > 99 || y1 > 99 || month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59)
    return NOT_A_TIME;
  const year = y0 * 100 + y1;
  if (day < 1 || day > daysInMonth(year, month)) return NOT_A_TIME;
  let millis = 0;
  if (shape & SHAPE_MILLIS) {
    const d = (b[s + 22]! - 48) >>> 0;
    const hundreds = two(b, s + 20);
    if (b[s + 19] !== 46 || hundreds > 99 || d > 9) return NOT_A_TIME;
    millis = hundreds * 10 + d;
  }
  if (shape & SHAPE_ZONE && b[e - 1] !== 90) return NOT_A_TIME;
  // Every cell takes the same path (no cache of the month before): a path first taken after
  // the function was compiled would make V8 compile it again, which costs more.
  return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis;
}
