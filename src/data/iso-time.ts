import { civilFromDays, DAY_MS } from '../time-text.js';
import type { IsoKeyUnit } from './bucketer.js';

/**
 * Per row: `isoKey(text, unit)` of the text of `ms[i]` (all of one shape, which `isoKey`
 * reads), or -1 for NaN (an empty cell). Rows in time order repeat the day before: it is
 * converted once.
 */
export function isoTimeKeys(ms: Float64Array, length: number, unit: IsoKeyUnit): Float64Array {
  const keys = new Float64Array(length);
  let lastDay = Number.NaN;
  let lastDate = 0;
  for (let i = 0; i < length; i++) {
    const t = ms[i]!;
    if (Number.isNaN(t)) {
      keys[i] = -1;
      continue;
    }
    const day = Math.floor(t / DAY_MS);
    if (day !== lastDay) {
      lastDay = day;
      lastDate = civilFromDays(day);
    }
    if (unit === 'day') {
      keys[i] = lastDate;
      continue;
    }
    const inDay = t - day * DAY_MS;
    const hour = lastDate * 100 + Math.floor(inDay / 3_600_000);
    keys[i] = unit === 'hour' ? hour : hour * 4 + Math.floor((inDay % 3_600_000) / 900_000);
  }
  return keys;
}
