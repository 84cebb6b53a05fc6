import type { Value } from '../../frame.js';

/**
 * The distinct cells of one CSV column, found by their bytes: a cell seen before costs a hash
 * and a byte comparison, no string. Open addressing on the byte hash; the bytes of each entry
 * are kept in one buffer. Entries last across batches (each distinct text is decoded once per
 * read, not once per batch) until there are too many; codes are per batch.
 */

/** Entries kept across batches at most; past this the dictionary starts over at the next batch. */
const MAX_ENTRIES = 1 << 17;
/** Bytes of entries kept across batches at most (16 MiB). */
const MAX_BYTES = 1 << 24;

// -0 is a value of its own (0 in a Map).
const NEGATIVE_ZERO = Symbol('-0');
const keyOf = (v: Value): unknown => (v === 0 && 1 / v < 0 ? NEGATIVE_ZERO : v);

/** A hash of the bytes, four at a time, mixed at the end so that the low bits spread. */
export function hashBytes(b: Buffer, s: number, e: number): number {
  let h = e - s;
  let i = s;
  for (; i + 4 <= e; i += 4) {
    const k = b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
    h = Math.imul(((h << 5) | (h >>> 27)) ^ k, 0x9e3779b1);
  }
  for (; i < e; i++) h = Math.imul(((h << 5) | (h >>> 27)) ^ b[i]!, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  return h ^ (h >>> 13);
}

export class ByteDict {
  /** The distinct values of the current batch, by code. */
  batch: Value[] = [];

  // Hash table: entry index + 1 per slot, 0 for an empty slot. Every table starts small (a
  // column of numbers or of a few names needs no more) and doubles as it fills.
  #slots = new Int32Array(64);
  // Per entry: hash, bytes in #bytes, value id, and whether a hit must read the text again.
  #hashes = new Int32Array(32);
  #starts = new Int32Array(32);
  #lengths = new Int32Array(32);
  #ids = new Int32Array(32);
  #again = new Uint8Array(32);
  // Per entry: its code in the batch numbered #stamp (a shortcut to the code of its value).
  #entryStamps = new Int32Array(32);
  #entryCodes = new Int32Array(32);
  #entries = 0;
  #bytes = Buffer.allocUnsafe(1 << 10);
  #used = 0;
  // Per value id: the value, and its code in the batch numbered #stamp.
  #values: Value[] = [];
  #index = new Map<unknown, number>();
  #stamps = new Int32Array(32);
  #codes = new Int32Array(32);
  #stamp = 0;

  /** Starts a batch: codes from 0 again; entries dropped when there are too many. */
  startBatch(): void {
    this.batch = [];
    this.#stamp++;
    if (this.#entries > MAX_ENTRIES || this.#values.length > MAX_ENTRIES || this.#used > MAX_BYTES) {
      this.#slots.fill(0);
      this.#entries = 0;
      this.#used = 0;
      this.#values = [];
      this.#index.clear();
    }
  }

  /** The entry of the bytes `b[s..e)` with hash `h` (see `hashBytes`), or -1. */
  find(b: Buffer, s: number, e: number, h: number): number {
    const slots = this.#slots;
    const mask = slots.length - 1;
    const len = e - s;
    const bytes = this.#bytes;
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const k = slots[slot]! - 1;
      if (k < 0) return -1;
      if (this.#hashes[k] !== h || this.#lengths[k] !== len) continue;
      const at = this.#starts[k]!;
      let i = 0;
      while (i < len && bytes[at + i] === b[s + i]) i++;
      if (i === len) return k;
    }
  }

  /**
   * Adds the bytes `b[s..e)` (not found before) with their value. `again`: a hit must read the
   * text again (a declared date that is not one, counted at each occurrence).
   */
  add(b: Buffer, s: number, e: number, h: number, value: Value, again: boolean): number {
    const k = this.#entries++;
    if (k >= this.#hashes.length) this.#growEntries();
    if (2 * this.#entries > this.#slots.length) this.#rehash();
    const len = e - s;
    if (this.#used + len > this.#bytes.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.#bytes.length, this.#used + len));
      this.#bytes.copy(bigger, 0, 0, this.#used);
      this.#bytes = bigger;
    }
    b.copy(this.#bytes, this.#used, s, e);
    this.#hashes[k] = h;
    this.#starts[k] = this.#used;
    this.#lengths[k] = len;
    this.#ids[k] = this.#idOf(value);
    this.#again[k] = again ? 1 : 0;
    this.#entryStamps[k] = 0;
    this.#used += len;
    this.#place(k);
    return k;
  }

  /** Whether a hit on the entry must read its text again. */
  again(entry: number): boolean {
    return this.#again[entry] === 1;
  }

  /** The code of the entry's value in this batch. */
  code(entry: number): number {
    if (this.#entryStamps[entry] === this.#stamp) return this.#entryCodes[entry]!;
    const code = this.#codeOfId(this.#ids[entry]!);
    this.#entryStamps[entry] = this.#stamp;
    this.#entryCodes[entry] = code;
    return code;
  }

  /** The code of a value in this batch. */
  codeOf(value: Value): number {
    return this.#codeOfId(this.#idOf(value));
  }

  #codeOfId(id: number): number {
    if (this.#stamps[id] === this.#stamp) return this.#codes[id]!;
    const code = this.batch.length;
    this.batch.push(this.#values[id]!);
    this.#stamps[id] = this.#stamp;
    this.#codes[id] = code;
    return code;
  }

  #idOf(value: Value): number {
    const key = keyOf(value);
    let id = this.#index.get(key);
    if (id === undefined) {
      id = this.#values.length;
      this.#values.push(value);
      this.#index.set(key, id);
      if (id >= this.#stamps.length) {
        const stamps = new Int32Array(2 * this.#stamps.length);
        stamps.set(this.#stamps);
        this.#stamps = stamps;
        const codes = new Int32Array(2 * this.#codes.length);
        codes.set(this.#codes);
        this.#codes = codes;
      }
    }
    return id;
  }

  #place(k: number): void {
    const slots = this.#slots;
    const mask = slots.length - 1;
    let slot = this.#hashes[k]! & mask;
    while (slots[slot] !== 0) slot = (slot + 1) & mask;
    slots[slot] = k + 1;
  }

  #rehash(): void {
    this.#slots = new Int32Array(2 * this.#slots.length);
    for (let k = 0; k < this.#entries - 1; k++) this.#place(k);
  }

  #growEntries(): void {
    const size = 2 * this.#hashes.length;
    const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.#hashes = grow(this.#hashes, new Int32Array(size));
    this.#starts = grow(this.#starts, new Int32Array(size));
    this.#lengths = grow(this.#lengths, new Int32Array(size));
    this.#ids = grow(this.#ids, new Int32Array(size));
    this.#again = grow(this.#again, new Uint8Array(size));
    this.#entryStamps = grow(this.#entryStamps, new Int32Array(size));
    this.#entryCodes = grow(this.#entryCodes, new Int32Array(size));
  }
}
