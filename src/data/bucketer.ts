import type { TimeBucket } from '../spec/schema.js';
import { bucketValue, parseIsoDate } from './bucket.js';
import { UTC, type Zone } from './zone.js';

/**
 * Time buckets of date texts, computed once per UTC day (or hour, or 15-minute slot) rather than
 * once per text: a column of timestamps rarely repeats a text, but many share a day.
 */

/** What an `isoKey` names: the UTC day, the UTC hour, or the 15-minute slot of UTC time. */
export type IsoKeyUnit = 'day' | 'hour' | 'slot';

/** The digit at `i` of `s` as a number; 10 or more (as unsigned) for any other character. */
const digit = (s: string, i: number): number => (s.charCodeAt(i) - 48) >>> 0;

/**
 * For a text of exactly the shape `YYYY-MM-DD(T|t| )hh:mm[:ss[(.|,)f]][Z|z]` (1 to 9 fraction
 * digits, nothing around it), a number naming its UTC day (`20240305`), hour or 15-minute slot;
 * -1 for any other text. The time is checked in full (hours to 23, minutes and seconds to 59),
 * the date only for its digits: two texts with one key are in the same day (hour, slot), or are
 * both not dates (2023-02-29, month 13). A text with an offset other than `Z` has no key: the
 * offset can move it to another day.
 */
export function isoKey(s: string, unit: IsoKeyUnit): number {
  const n = s.length;
  // Runs once per distinct text a scan buckets: digits one by one, no slices, no parse.
  if (n < 16 || n > 35 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(13) !== 58)
    return -1;
  const t = s.charCodeAt(10);
  if (!(t === 84 || t === 116 || t === 32) /* T t space */) return -1;
  const y0 = digit(s, 0);
  const y1 = digit(s, 1);
  const y2 = digit(s, 2);
  const y3 = digit(s, 3);
  const m0 = digit(s, 5);
  const m1 = digit(s, 6);
  const d0 = digit(s, 8);
  const d1 = digit(s, 9);
  const h0 = digit(s, 11);
  const h1 = digit(s, 12);
  const i0 = digit(s, 14);
  const i1 = digit(s, 15);
  if (y0 > 9 || y1 > 9 || y2 > 9 || y3 > 9 || m0 > 9 || m1 > 9 || d0 > 9 || d1 > 9) return -1;
  if (h0 > 2 || h1 > 9 || (h0 === 2 && h1 > 3) || i0 > 5 || i1 > 9) return -1;
  let i = 16;
  if (s.charCodeAt(i) === 58 /* : */) {
    if (n < 19 || digit(s, 17) > 5 || digit(s, 18) > 9) return -1;
    i = 19;
    const dot = s.charCodeAt(i);
    if (dot === 46 || dot === 44 /* . , */) {
      const start = ++i;
      while (i < n && digit(s, i) <= 9) i++;
      // More digits could round the second up to the next one, and the next day.
      if (i === start || i - start > 9) return -1;
    }
  }
  if (i < n) {
    const z = s.charCodeAt(i);
    if (!(z === 90 || z === 122) /* Z z */ || i + 1 !== n) return -1;
  }
  const date = (((y0 * 10 + y1) * 10 + y2) * 10 + y3) * 10_000 + (m0 * 10 + m1) * 100 + d0 * 10 + d1;
  if (unit === 'day') return date;
  const hour = date * 100 + h0 * 10 + h1;
  if (unit === 'hour') return hour;
  return hour * 4 + Math.floor((i0 * 10 + i1) / 15);
}

/** The unit of `isoKey` that decides the bucket of a keyed text, for a bucket cut in `zone`. */
export function keyUnit(bucket: TimeBucket, zone: Zone): IsoKeyUnit {
  if (zone !== UTC) return 'slot';
  return bucket === 'hour' ? 'hour' : 'day';
}

const SLOT = 15 * 60_000;
// Distinct days (or slots) a bucketer remembers before it starts over; texts it cannot key.
const KEY_CACHE_LIMIT = 65_536;
const TEXT_CACHE_LIMIT = 65_536;

/**
 * `bucketValue(text, bucket, zone)`, remembered. Texts with an `isoKey` share one result per
 * key: in UTC the bucket of a time without an offset depends only on its day (its hour, for
 * hours). In another zone it depends only on its 15-minute slot of UTC time when the zone's
 * offset there is a whole number of quarter hours (`Zone.offsetAt` is constant within a slot):
 * local midnight and local hours then fall on slot edges, never inside one. Other texts are
 * remembered by their text, up to a limit.
 */
export class Bucketer {
  readonly bucket: TimeBucket;
  readonly zone: Zone;
  /** The `isoKey` unit whose texts share a bucket (see `sharesKey`). */
  readonly unit: IsoKeyUnit;
  readonly #byKey = new Map<number, string | null>();
  readonly #byText = new Map<string, string | null>();

  /** `zone` defaults to UTC. */
  constructor(bucket: TimeBucket, zone: Zone = UTC) {
    this.bucket = bucket;
    this.zone = zone;
    this.unit = keyUnit(bucket, zone);
  }

  /** The bucket of a text, as `bucketValue` gives it. */
  of(text: string): string | null {
    const key = isoKey(text, this.unit);
    if (key >= 0) {
      let b = this.#byKey.get(key);
      if (b === undefined) {
        b = bucketValue(text, this.bucket, this.zone);
        if (this.sharesKey(text)) {
          // Scans mostly run in time order: starting over keeps the days in use.
          if (this.#byKey.size >= KEY_CACHE_LIMIT) this.#byKey.clear();
          this.#byKey.set(key, b);
        }
      }
      return b;
    }
    let b = this.#byText.get(text);
    if (b === undefined) {
      b = bucketValue(text, this.bucket, this.zone);
      // A column with more distinct texts than this gains little from a cache.
      if (this.#byText.size < TEXT_CACHE_LIMIT) this.#byText.set(text, b);
    }
    return b;
  }

  /**
   * Every text with the `isoKey` of `text` (a keyed text) is in the bucket of `text`: always in
   * UTC; in another zone when its offset there is whole quarter hours, or `text` is no date
   * (nor then is any text with its key: they share its year, month and day).
   */
  sharesKey(text: string): boolean {
    if (this.unit !== 'slot') return true;
    const ms = parseIsoDate(text);
    return ms === null || this.zone.offsetAt(ms) % SLOT === 0;
  }
}
