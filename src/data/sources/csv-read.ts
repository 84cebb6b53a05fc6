import { TextDecoder } from 'node:util';
import { ChartpressError, problem } from '../../errors.js';
import type { ColumnBatch } from '../batch.js';
import { columnSpec, declaredReader } from './cells.js';
import type { CsvOptions } from './csv.js';
import { CellBlock, ColumnBuilder } from './csv-columns.js';
import { CsvScanner } from './csv-scan.js';
import { CsvSyntaxError } from './csv-syntax.js';
import { pathField } from './file.js';

/**
 * The bytes of a CSV file in, batches of columns out: `push()` the bytes as they come and take
 * the batches that `next()` completes. The first record (after empty lines) is the header.
 */

/**
 * Rows in a batch: 8,192. Larger batches are no faster, and the garbage they leave grows the
 * young generation: at 32,768 rows the peak RSS of a 1M-row scan was 150-180 MB, at 8,192 118 MB.
 */
export const BATCH_ROWS = 1 << 13;

/** Records split before their cells are read, at most: 4,096, and 32,768 cells. */
const BLOCK_ROWS = 4096;
const BLOCK_CELLS = 1 << 15;

/** A record longer than this (1 MiB) is scanned again only once the bytes after it have doubled. */
const LONG_RECORD = 1 << 20;

/** What a reader of a part of a file, from a record's start on, knows of the file: see `CsvReader.part`. */
export interface CsvPart {
  /** The column names of the header. */
  readonly names: readonly string[];
  /** How records end (`CsvScanner.lineEnd`). */
  readonly lineEnd: number;
}

export class CsvReader {
  readonly #opts: CsvOptions;
  readonly #batchRows: number;
  readonly #scanner: CsvScanner;
  // Bytes not yet read are #buf[#start..#end).
  #buf = Buffer.allocUnsafe(1 << 16);
  #start = 0;
  #end = 0;
  // Bytes needed before scanning again: an unfinished long record is not scanned anew per chunk.
  #want = 0;
  #bomChecked = false;
  #utf16: TextDecoder | undefined;
  #names: string[] | undefined;
  #columns: ColumnBuilder[] = [];
  #rows = 0;
  // Where the cells of the block's records are, record after record (see `CellBlock`).
  #blockRows = 0;
  #starts: Int32Array = new Int32Array(0);
  #ends: Int32Array = new Int32Array(0);
  #block: CellBlock | undefined;

  /** Throws `CP_ERR_CSV_PARSE` for a delimiter that cannot be one. */
  constructor(opts: CsvOptions, batchRows = BATCH_ROWS) {
    this.#opts = opts;
    this.#batchRows = batchRows;
    const delimiter = opts.delimiter ?? ',';
    if (delimiter === '' || /["\r\n]/.test(delimiter)) {
      const message = `the delimiter ${JSON.stringify(delimiter)} cannot be used: it must be a character other than a quote or a line break`;
      throw new ChartpressError(
        problem('CP_ERR_CSV_PARSE', message, { file: opts.where.file, path: `${opts.where.path}.delimiter` }),
      );
    }
    this.#scanner = new CsvScanner(Buffer.from(delimiter));
  }

  /**
   * A reader of the bytes of a file from the start of a record after its header on: the names
   * and line ends are the file's, no byte order mark is looked for. Line numbers in its errors
   * count from the part's start.
   */
  static part(opts: CsvOptions, part: CsvPart, batchRows = BATCH_ROWS): CsvReader {
    const reader = new CsvReader(opts, batchRows);
    reader.#bomChecked = true;
    reader.#useNames([...part.names]);
    reader.#scanner.lineEnd = part.lineEnd;
    return reader;
  }

  /** What a reader of a later part of the file needs, once the header has been read. */
  get part(): CsvPart | undefined {
    const names = this.#names;
    return names === undefined ? undefined : { names, lineEnd: this.#scanner.lineEnd };
  }

  /**
   * Bytes taken and not yet read into records. After `next(false)` has given all it could,
   * 0 means that the bytes taken end at the end of a record.
   */
  get unread(): number {
    return this.#end - this.#start;
  }

  /** The rows read and not yet given in a batch, as a batch (without waiting for it to fill). */
  flush(): ColumnBatch | undefined {
    return this.#rows > 0 ? this.#finish() : undefined;
  }

  /** Takes the next bytes of the file. */
  push(chunk: Buffer): void {
    this.#append(
      this.#utf16 === undefined ? chunk : Buffer.from(this.#utf16.decode(chunk, { stream: true })),
    );
  }

  /** Says that the file has ended. */
  close(): void {
    if (this.#utf16 !== undefined) this.#append(Buffer.from(this.#utf16.decode()));
  }

  /**
   * The next full batch of the bytes taken, or undefined until more bytes come. With `eof`
   * (after `close()`), the last batch, then undefined. Throws `CP_ERR_CSV_PARSE` for text that
   * is not CSV, a header it cannot take, or a record with the wrong number of fields;
   * `CP_ERR_UNKNOWN_COLUMN` for declared columns that the header lacks.
   */
  next(eof: boolean): ColumnBatch | undefined {
    if (!this.#bomChecked) {
      if (this.#end - this.#start < 3 && !eof) return undefined;
      this.#skipBom();
    }
    if (!eof && this.#end - this.#start < this.#want) return undefined;
    this.#want = 0;
    const scanner = this.#scanner;
    const buf = this.#buf;
    const end = this.#end;
    let pos = this.#start;
    scanner.stalled = false;
    try {
      while (pos < end && this.#names === undefined) {
        pos = this.#header(buf, pos, end, eof);
        if (scanner.stalled) break;
      }
      // Records are split a block at a time, then read column by column.
      while (pos < end && !scanner.stalled) {
        scanner.clearScratch();
        const room = Math.min(this.#blockRows, this.#batchRows - this.#rows);
        pos = scanner.scan(buf, pos, end, eof, room, this.#columns.length);
        const k = scanner.records;
        if (k > 0) {
          const rows = this.#rows;
          const columns = this.#columns;
          if (rows === 0) for (const c of columns) c.start(this.#batchRows);
          const step = columns.length;
          const block = this.#block!;
          block.buf = buf;
          block.scratch = scanner.scratch.bytes;
          for (let c = 0; c < step; c++) columns[c]!.addCells(block, c, k, rows);
          this.#rows = rows + k;
          if (this.#rows === this.#batchRows) {
            this.#start = pos;
            return this.#finish();
          }
        }
      }
      if (scanner.stalled) this.#want = end - pos > LONG_RECORD ? 2 * (end - pos) : 0;
    } catch (e) {
      throw e instanceof CsvSyntaxError ? this.#syntaxError(e) : e;
    }
    this.#start = pos;
    return eof && this.#rows > 0 ? this.#finish() : undefined;
  }

  #finish(): ColumnBatch {
    const length = this.#rows;
    this.#rows = 0;
    const columns = this.#columns;
    return {
      length,
      names: this.#names!,
      columns: columns.map((c) => c.finish(length)),
      checked: columns.map((c) => c.checked),
    };
  }

  #append(bytes: Buffer): void {
    const unread = this.#end - this.#start;
    // One byte more than the bytes: the scanner writes a stop there.
    if (unread + bytes.length >= this.#buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.#buf.length, unread + bytes.length + 1));
      this.#buf.copy(bigger, 0, this.#start, this.#end);
      this.#buf = bigger;
    } else if (this.#start > 0) {
      this.#buf.copyWithin(0, this.#start, this.#end);
    }
    bytes.copy(this.#buf, unread);
    this.#start = 0;
    this.#end = unread + bytes.length;
  }

  /** A UTF-8 byte order mark is skipped; a UTF-16LE one means the file is UTF-16LE (as csv-parse reads it). */
  #skipBom(): void {
    this.#bomChecked = true;
    const b = this.#buf;
    const s = this.#start;
    if (this.#end - s < 3) return;
    if (b[s] === 0xef && b[s + 1] === 0xbb && b[s + 2] === 0xbf) this.#start += 3;
    else if (b[s] === 0xff && b[s + 1] === 0xfe) {
      const rest = Buffer.from(b.subarray(s + 2, this.#end));
      this.#start = this.#end = 0;
      this.#utf16 = new TextDecoder('utf-16le', { ignoreBOM: true });
      this.push(rest);
    }
  }

  /**
   * Reads the header at `pos` (after empty lines, which it skips), checks it and makes the
   * columns it implies. Returns the offset after what it read; the scanner says when the
   * header needs more bytes.
   */
  #header(buf: Buffer, pos: number, end: number, eof: boolean): number {
    const scanner = this.#scanner;
    const line = scanner.line;
    let starts = new Int32Array(64);
    let ends = new Int32Array(64);
    scanner.clearScratch();
    scanner.target(starts, ends, 1, starts.length);
    let next = scanner.scan(buf, pos, end, eof, 1, 0);
    if (scanner.records === 0) return next;
    if (scanner.count > starts.length) {
      // Read again with room for every name.
      scanner.line = line;
      starts = new Int32Array(scanner.count);
      ends = new Int32Array(scanner.count);
      scanner.target(starts, ends, 1, starts.length);
      next = scanner.scan(buf, pos, end, eof, 1, 0);
    }
    const { count, scratch, recordLine } = scanner;
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
      const s = starts[i]!;
      const text = (s < 0 ? scratch.bytes : buf).toString('utf8', s < 0 ? -1 - s : s, ends[i]);
      names.push(text.trim());
    }
    const opts = this.#opts;
    const bad = (message: string) =>
      new ChartpressError(
        problem('CP_ERR_CSV_PARSE', `${opts.path} at line ${recordLine}: ${message}`, pathField(opts.where)),
      );
    const seen = new Set<string>();
    names.forEach((name, i) => {
      if (name === '') throw bad(`column ${i + 1} of the header has no name`);
      // A plain-object row cannot hold this key as data.
      if (name === '__proto__') throw bad('"__proto__" is not allowed as a column name');
      if (seen.has(name)) throw bad(`column "${name}" appears twice in the header`);
      seen.add(name);
    });
    const missing = Object.keys(opts.columns ?? {}).filter((name) => !seen.has(name));
    if (missing.length > 0) {
      const problems = missing.map((name) =>
        problem(
          'CP_ERR_UNKNOWN_COLUMN',
          `declared column "${name}" not found in ${opts.path}; columns: ${names.join(', ')}`,
          { file: opts.where.file, path: `${opts.where.path}.columns.${name}` },
        ),
      );
      throw new ChartpressError(problems);
    }
    this.#useNames(names);
    return next;
  }

  /** Makes the columns of the header's names. */
  #useNames(names: string[]): void {
    const opts = this.#opts;
    const declared = opts.columns ?? {};
    const scanner = this.#scanner;
    this.#blockRows = Math.max(16, Math.min(BLOCK_ROWS, Math.floor(BLOCK_CELLS / names.length)));
    this.#starts = new Int32Array(this.#blockRows * names.length);
    this.#ends = new Int32Array(this.#blockRows * names.length);
    scanner.target(this.#starts, this.#ends, names.length, names.length);
    this.#block = new CellBlock(this.#buf, scanner.scratch.bytes, this.#starts, this.#ends, names.length);
    this.#columns = names.map((name) => {
      const d = Object.hasOwn(declared, name) ? declared[name] : undefined;
      if (d === undefined) return new ColumnBuilder('infer');
      const { type } = columnSpec(d);
      const read = declaredReader(name, d, opts.invalid);
      return new ColumnBuilder(type === 'number' ? 'number' : 'read', read, type === 'date');
    });
    this.#names = names;
  }

  #syntaxError(e: CsvSyntaxError): ChartpressError {
    const name = this.#names?.[e.field];
    const column =
      e.field < 0 ? '' : `, column ${e.field + 1}${name === undefined ? '' : ` (${JSON.stringify(name)})`}`;
    return this.#malformed(e.line, column, e.message);
  }

  #malformed(line: number, column: string, message: string): ChartpressError {
    const { path, where } = this.#opts;
    const text = `malformed CSV in ${path} at line ${line}${column}: ${message}`;
    return new ChartpressError(problem('CP_ERR_CSV_PARSE', text, pathField(where)));
  }
}
