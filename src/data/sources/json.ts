import { StringDecoder } from 'node:string_decoder';
import type { Row } from '../../frame.js';
import type { InvalidCells } from '../invalid.js';
import { type DeclaredColumns, jsonRowReader } from './cells.js';
import { type FileSourceOptions, openFile, readError } from './file.js';
import { JsonArrayScanner, JsonShapeError } from './json-scan.js';
import { fromBatches, type RowSource } from './rows.js';

/** A JSON file holding one array of objects, read as rows. */
export interface JsonOptions extends FileSourceOptions {
  /** Declared column types; other values keep their JSON type (slash dates become ISO). */
  readonly columns?: DeclaredColumns | undefined;
  /** Counts the cells of declared date columns that are not dates. */
  readonly invalid?: InvalidCells | undefined;
  /** Bytes read from the file at a time. Defaults to 256 KiB. */
  readonly highWaterMark?: number | undefined;
}

/**
 * Streams a JSON file holding one top-level array of objects as rows, one element at a time
 * (see `JsonArrayScanner`): memory holds one read and one element, not the file. Values that
 * are objects or arrays become their JSON text (see `jsonCell`). Rows may differ in columns
 * (the source is sparse). Each iteration reads the file anew.
 *
 * Errors: `CP_ERR_FILE_NOT_FOUND`, `CP_ERR_FILE_TOO_LARGE`, `CP_ERR_DATA_READ` (naming the file
 * and the line: not an array, an element that is not an object or not valid JSON, a truncated
 * file).
 */
export function jsonSource(opts: JsonOptions): RowSource {
  return fromBatches(() => readJson(opts), true);
}

async function* readJson(opts: JsonOptions): AsyncGenerator<Row[]> {
  const input = await openFile(opts, opts.highWaterMark ?? 256 * 1024);
  const decoder = new StringDecoder('utf8');
  const scanner = new JsonArrayScanner();
  const toRow = jsonRowReader(opts.columns, opts.invalid);
  // An element that does not parse fails the read after the rows before it were given.
  let fault: unknown;
  const toRows = (elements: { text: string; line: number }[]): Row[] => {
    const rows: Row[] = [];
    for (const { text, line } of elements) {
      try {
        // The scanner lets only objects through.
        rows.push(toRow(JSON.parse(text))!);
      } catch (e) {
        fault = readError(opts, e, `line ${line}`);
        break;
      }
    }
    return rows;
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const rows = toRows(scanner.push(decoder.write(chunk)));
      if (rows.length > 0) yield rows;
      if (fault !== undefined) throw fault;
    }
    const rows = toRows(scanner.push(decoder.end()));
    if (rows.length > 0) yield rows;
    if (fault !== undefined) throw fault;
    scanner.end();
  } catch (e) {
    throw readError(opts, e, e instanceof JsonShapeError ? `line ${e.line}` : undefined);
  } finally {
    input.destroy();
  }
}
