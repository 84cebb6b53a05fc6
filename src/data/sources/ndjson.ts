import { StringDecoder } from 'node:string_decoder';
import type { Row } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import { type DeclaredColumns, jsonRowReader } from './cells.js';
import { type FileSourceOptions, openFile, readError } from './file.js';
import { fromBatches, type RowSource } from './rows.js';

/** An NDJSON file (one JSON object per line) read as rows. */
export interface NdjsonOptions extends FileSourceOptions {
  /** Declared column types; other values keep their JSON type (slash dates become ISO). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the cells of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  /** Bytes read from the file at a time. Defaults to 256 KiB. */
  readonly highWaterMark?: number | undefined;
}

/**
 * Streams an NDJSON file as rows, line by line: one JSON object per line; blank lines are
 * skipped; CRLF line ends and a byte order mark are fine. Values that are objects or arrays
 * become their JSON text (see `jsonCell`). Rows may differ in columns (the source is sparse).
 * Each iteration reads the file anew.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_FILE_TOO_LARGE`, `CP_ERR_DATA_READ` (naming the file
 * and the line of a line that is not a JSON object).
 */
export function ndjsonSource(opts: NdjsonOptions): RowSource {
  return fromBatches(() => readNdjson(opts), true);
}

async function* readNdjson(opts: NdjsonOptions): AsyncGenerator<Row[]> {
  const input = await openFile(opts, opts.highWaterMark ?? 256 * 1024);
  const decoder = new StringDecoder('utf8');
  // The start of a line not ended yet, in pieces: joined once its end comes, so a long line
  // costs its length, not its length times the reads it spans.
  let partial: string[] = [];
  let line = 0;
  let first = true;
  // A bad line fails the read after the rows before it were given.
  let fault: unknown;
  const toRow = jsonRowReader(opts.columns, opts.invalid);
  const parseLines = (text: string, last: boolean): Row[] => {
    const rows: Row[] = [];
    const end = text.indexOf('\n');
    if (end < 0 && !last) {
      if (text !== '') partial.push(text);
      return rows;
    }
    partial.push(text);
    const lines = partial.join('').split('\n');
    const rest = last ? '' : (lines.pop() ?? '');
    partial = rest === '' ? [] : [rest];
    try {
      for (const raw of lines) {
        line++;
        const row = parseLine(raw, line, opts, toRow);
        if (row !== undefined) rows.push(row);
      }
    } catch (e) {
      fault = e;
    }
    return rows;
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let text = decoder.write(chunk);
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const rows = parseLines(text, false);
      if (rows.length > 0) yield rows;
      if (fault !== undefined) throw fault;
    }
    const rows = parseLines(decoder.end(), true);
    if (rows.length > 0) yield rows;
    if (fault !== undefined) throw fault;
  } catch (e) {
    throw readError(opts, e);
  } finally {
    input.destroy();
  }
}

function parseLine(
  raw: string,
  line: number,
  opts: NdjsonOptions,
  toRow: (value: unknown) => Row | undefined,
): Row | undefined {
  const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw readError(opts, e, `line ${line}`);
  }
  const row = toRow(value);
  if (row === undefined) throw readError(opts, new Error('expected a JSON object'), `line ${line}`);
  return row;
}
