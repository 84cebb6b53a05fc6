/**
 * The byte scanner of CSV records: finds the fields of records in a buffer without decoding
 * them. It reads CSV as csv-parse does with `skip_empty_lines`: the first line end outside quotes
 * (`\r\n`, `\n` or `\r`) is the record delimiter of the whole file, other line-end bytes are
 * text; a field that starts with a quote runs to the next lone quote (`""` stands for one);
 * only a delimiter, a line end or the end of the file may follow it; a quote elsewhere is an
 * error.
 */

import { Scratch } from './csv-scratch.js';
import { closingQuote, openingQuote, raggedRecord, unclosedQuote } from './csv-syntax.js';

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;

// The record delimiter, found at the first line end.
const EOL_UNKNOWN = 0;
/** Records end at LF (the first line end found was a lone LF). */
export const EOL_LF = 1;
/** Records end at CR LF. */
export const EOL_CRLF = 2;
const EOL_CR = 3;

// What ends a field.
const END = 0;
const DELIMITER = 1;
const LINE_END = 2;

/**
 * Splits records into fields. `scan()` reads records: it writes where their fields are into
 * the arrays given to `target()`: field `n` of record `k` is the bytes `[starts[i], ends[i])`
 * of the buffer scanned, `i = k * stride + n`, or, when the start is negative, the bytes
 * `[-1 - start, end)` of `scratch.bytes` (unescaped). Fields stay in `scratch` until
 * `clearScratch()`.
 */
export class CsvScanner {
  /** Records read by the last `scan()`. */
  records = 0;
  /** Fields of the last record read. */
  count = 0;
  /** The last `scan()` stopped at a record that does not end before the end of the bytes. */
  stalled = false;
  /** Unescaped fields (see `Scratch`). */
  readonly scratch = new Scratch();
  /** Line of the next record, from 1. */
  line = 1;
  /** First line of the last record read. */
  recordLine = 1;

  readonly #delimiter: Buffer;
  readonly #special = new Uint8Array(256);
  // The largest special byte: any byte above it is text.
  readonly #high: number;
  #eol = EOL_UNKNOWN;
  // Line breaks inside the record being read.
  #lines = 0;
  #starts: Int32Array = new Int32Array(0);
  #ends: Int32Array = new Int32Array(0);
  #stride = 1;
  #limit = 0;
  // Where field 0 of the record being read goes.
  #base = 0;

  /** How records end, once the first line end has fixed it: `EOL_LF`, `EOL_CRLF`, or another number. */
  get lineEnd(): number {
    return this.#eol;
  }

  /** Fixes how records end, as another scanner of the same file found it (see `lineEnd`). */
  set lineEnd(eol: number) {
    this.#eol = eol;
  }

  /** `delimiter`: its UTF-8 bytes; not a quote or a line-end byte. */
  constructor(delimiter: Buffer) {
    this.#delimiter = delimiter;
    for (const b of [delimiter[0]!, QUOTE, CR, LF]) this.#special[b] = 1;
    this.#high = Math.max(delimiter[0]!, QUOTE);
  }

  /**
   * Reads up to `max` records (empty lines are skipped) from `pos` in `buf[..end)` and returns
   * the offset after the last one read (after its line end). It stops early at a record that
   * does not end before `end` when more bytes may follow (`eof` false): `stalled` is then set,
   * and the offset returned is where that record starts. With `fields` > 0, a record with
   * another number of fields is an error. Throws `CsvSyntaxError`. The byte at `buf[end]` is
   * overwritten (it stops the field loop), so `buf` must be longer than `end`.
   */
  scan(buf: Buffer, pos: number, end: number, eof: boolean, max: number, fields: number): number {
    const special = this.#special;
    const high = this.#high;
    const d0 = this.#delimiter[0]!;
    const single = this.#delimiter.length === 1;
    const starts = this.#starts;
    const ends = this.#ends;
    const stride = this.#stride;
    const limit = this.#limit;
    buf[end] = QUOTE;
    this.records = 0;
    this.stalled = false;
    this.#lines = 0;
    this.#base = 0;
    // Where the next field goes.
    let at = 0;
    let k = 0;
    let p = pos;
    let n = 0;
    for (;;) {
      const s = p;
      let c = buf[p]!;
      const quoted = c === QUOTE && p < end;
      let stop = END;
      let m = 0;
      if (quoted) {
        const q = this.#quoted(buf, p, end, eof, n);
        if (q < 0) return this.#stall(k, pos);
        p = q + 1;
        // csv-parse takes a NUL byte after the closing quote for the end of the file, then
        // reads on as unquoted text of the same field.
        if (p < end && buf[p] === 0) {
          p = this.#afterNul(buf, p, end, eof, n);
          if (p < 0) return this.#stall(k, pos);
        }
        if (p >= end) {
          if (!eof) return this.#stall(k, pos);
        } else {
          c = buf[p]!;
          if (c === d0) m = single ? 1 : this.#delimiterAt(buf, p, end, eof);
          else if (c === CR || c === LF) m = this.#lineEnd(buf, p, end, eof);
          if (m < 0) return this.#stall(k, pos);
          if (m === 0) throw this.#closingQuote(buf, p, end, n);
          stop = c === d0 ? DELIMITER : LINE_END;
        }
      } else {
        for (;;) {
          // Bytes above every special byte are text: one comparison each (four to a loop).
          while (c > high) {
            c = buf[++p]!;
            if (c <= high) break;
            c = buf[++p]!;
            if (c <= high) break;
            c = buf[++p]!;
            if (c <= high) break;
            c = buf[++p]!;
          }
          if (c === d0 && single) {
            m = 1;
            stop = DELIMITER;
            break;
          }
          if (special[c] === 0) {
            c = buf[++p]!;
            continue;
          }
          if (p >= end) {
            if (!eof) return this.#stall(k, pos);
            break;
          }
          if (c === d0) {
            m = single ? 1 : this.#delimiterAt(buf, p, end, eof);
            if (m < 0) return this.#stall(k, pos);
            if (m > 0) {
              stop = DELIMITER;
              break;
            }
          } else if (c === QUOTE) {
            throw this.#openingQuote(buf, s, p, n);
          } else {
            m = c === LF && this.#eol === EOL_LF ? 1 : this.#lineEnd(buf, p, end, eof);
            if (m < 0) return this.#stall(k, pos);
            if (m > 0) {
              stop = LINE_END;
              break;
            }
            this.#textBreak(buf, p, end);
          }
          c = buf[++p]!;
        }
        if (n < limit) {
          starts[at] = s;
          ends[at] = p;
        }
      }
      if (stop === DELIMITER) {
        p += m;
        n++;
        at++;
        continue;
      }
      // The end of a record, or of an empty line.
      if (n > 0 || quoted || p > s) {
        if (fields > 0 && n + 1 !== fields) throw raggedRecord(n + 1, fields, this.line);
        this.count = n + 1;
        this.recordLine = this.line;
        this.#base = ++k * stride;
      }
      at = this.#base;
      this.line += this.#lines;
      this.#lines = 0;
      if (stop !== END) {
        this.line++;
        p += m;
        pos = p;
        n = 0;
        if (k < max && p < end) continue;
      }
      // One way out for every end: a store first met after V8 compiled the loop (the end of
      // the bytes, say) would make it throw the compiled code away.
      this.records = k;
      return stop === END ? end : p;
    }
  }

  /** Stops at the record starting at `pos`, which needs more bytes, after `k` records. */
  #stall(k: number, pos: number): number {
    this.records = k;
    this.stalled = true;
    return pos;
  }

  /** Where fields go: only the first `limit` fields of a record are written. */
  target(starts: Int32Array, ends: Int32Array, stride: number, limit: number): void {
    this.#starts = starts;
    this.#ends = ends;
    this.#stride = stride;
    this.#limit = limit;
  }

  /** Empties `scratch`: the fields there from earlier records are no longer needed. */
  clearScratch(): void {
    this.scratch.used = 0;
  }

  /**
   * The quoted field opening at `p`: sets field `n` and returns the offset of its closing
   * quote, or -1 when more bytes are needed.
   */
  #quoted(buf: Buffer, p: number, end: number, eof: boolean, n: number): number {
    const opened = this.line + this.#lines;
    let q = p + 1;
    let escapes = false;
    for (;;) {
      while (q < end) {
        const c = buf[q]!;
        if (c === QUOTE) break;
        if (c === LF || (c === CR && (q + 1 >= end || buf[q + 1] !== LF))) this.#lines++;
        q++;
      }
      if (q >= end) {
        if (!eof) return -1;
        throw unclosedQuote(opened, n);
      }
      if (q + 1 >= end) {
        if (!eof) return -1;
        break;
      }
      if (buf[q + 1] !== QUOTE) break;
      escapes = true;
      q += 2;
    }
    if (!escapes) {
      this.#field(n, p + 1, q);
      return q;
    }
    const from = this.scratch.unescape(buf, p + 1, q);
    this.#field(n, -1 - from, this.scratch.used);
    return q;
  }

  /** The unquoted rest of field `n` after a NUL byte that follows its closing quote. */
  #afterNul(buf: Buffer, p: number, end: number, eof: boolean, n: number): number {
    const s = p;
    for (; p < end; p++) {
      const c = buf[p]!;
      if (c === QUOTE) throw this.#openingQuote(buf, s, p, n);
      if (c === this.#delimiter[0]) {
        const m = this.#delimiterAt(buf, p, end, eof);
        if (m < 0) return -1;
        if (m > 0) break;
      } else if (c === CR || c === LF) {
        const m = this.#lineEnd(buf, p, end, eof);
        if (m < 0) return -1;
        if (m > 0) break;
        this.#textBreak(buf, p, end);
      }
    }
    if (p >= end && !eof) return -1;
    const head = this.#inScratchField(buf, n);
    this.scratch.append(buf, s, p);
    this.#field(n, -1 - head, this.scratch.used);
    return p;
  }

  /** Moves field `n` to the end of `scratch` (where it may grow); returns its start there. */
  #inScratchField(buf: Buffer, n: number): number {
    // A field past the last column is not kept: the record is refused for its length.
    if (n >= this.#limit) return this.scratch.used;
    const i = this.#base + n;
    const s = this.#starts[i]!;
    return s < 0 ? -1 - s : this.scratch.append(buf, s, this.#ends[i]!);
  }

  /** Length of the delimiter at `p` (whose first byte matches), 0 if it is not there, -1 if more bytes are needed. */
  #delimiterAt(buf: Buffer, p: number, end: number, eof: boolean): number {
    const d = this.#delimiter;
    for (let k = 1; k < d.length; k++) {
      if (p + k >= end) return eof ? 0 : -1;
      if (buf[p + k] !== d[k]) return 0;
    }
    return d.length;
  }

  /**
   * Length of the record delimiter at `p` (a CR or LF byte), 0 when the byte is text, -1 when
   * the next byte is needed. The first line end found fixes the delimiter.
   */
  #lineEnd(buf: Buffer, p: number, end: number, eof: boolean): number {
    const c = buf[p];
    switch (this.#eol) {
      case EOL_LF:
        return c === LF ? 1 : 0;
      case EOL_CR:
        return c === CR ? 1 : 0;
      case EOL_CRLF:
        if (c === LF) return 0;
        if (p + 1 >= end) return eof ? 0 : -1;
        return buf[p + 1] === LF ? 2 : 0;
    }
    if (c === LF) {
      this.#eol = EOL_LF;
      return 1;
    }
    if (p + 1 >= end && !eof) return -1;
    if (buf[p + 1] === LF && p + 1 < end) {
      this.#eol = EOL_CRLF;
      return 2;
    }
    this.#eol = EOL_CR;
    return 1;
  }

  /** Counts a line-end byte that is text (not the record delimiter) as a line. */
  #textBreak(buf: Buffer, p: number, end: number): void {
    if (buf[p] === LF || p + 1 >= end || buf[p + 1] !== LF) this.#lines++;
  }

  #openingQuote(buf: Buffer, s: number, p: number, n: number) {
    return openingQuote(buf.toString('utf8', s, p), this.line + this.#lines, n);
  }

  #closingQuote(buf: Buffer, p: number, end: number, n: number) {
    return closingQuote(buf.toString('utf8', p, Math.min(p + 4, end)), this.line + this.#lines, n);
  }

  #field(n: number, s: number, e: number): void {
    if (n >= this.#limit) return;
    const i = this.#base + n;
    this.#starts[i] = s;
    this.#ends[i] = e;
  }
}
