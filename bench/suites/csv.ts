import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { TextDecoder } from 'node:util';
import { parse } from 'csv-parse';
import { inferSchema, initParser, type Parser } from 'udsv';
import { csvSource } from '../../src/data/sources/csv.js';
import { readBatches } from '../../src/data/sources/rows.js';
import { salesCsv } from '../gen.js';
import { median, ms, ratio, row, times } from '../stats.js';

const where = { path: 'datasets.s' };
const READ_SIZE = 256 * 1024;

/** CSV parsing alone: csv-parse (the baseline), the byte parser (columns, rows), udsv; peak RSS. */
export async function csv(): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const path = await salesCsv(rows);
  console.log(`csv: parse only, ${rows.toLocaleString('en-US')} rows (${path})\n`);

  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const count = async (what: string, fn: () => Promise<number>) => {
    const n = await fn();
    if (n !== rows) throw new Error(`${what} read ${n} rows, not ${rows}`);
  };
  const measure = async (what: string, fn: () => Promise<number>) => {
    await count(what, fn); // warm-up
    return median(await times(runs, () => count(what, fn)));
  };
  const base = await measure('csv-parse', () => csvParse(path));
  const columns = await measure('byte parser (columns)', () => byteColumns(path));
  const objects = await measure('byte parser (rows)', () => byteRows(path));
  const udsvStrings = await measure('udsv (strings)', () => udsv(path, false));
  const udsvTyped = await measure('udsv (typed)', () => udsv(path, true));
  const line = (label: string, t: number) =>
    row(label, `${ms(t).padStart(10)}  ${ratio(t, base).padStart(6)} of csv-parse`);
  line('csv-parse: string arrays, no work (baseline)', base);
  line('byte parser: column batches, typed cells', columns);
  line('byte parser: row objects (batchRows)', objects);
  line('udsv: string arrays (stringArrs), no work', udsvStrings);
  line('udsv: typed arrays (typedArrs), no work', udsvTyped);
  row('csv-parse / byte parser (columns)', ratio(base, columns));

  if (process.env.BENCH_RSS !== '0') {
    const big = rows * 10;
    const bigPath = await salesCsv(big);
    const child = (p: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../csv-child.ts'), p], {
          encoding: 'utf8',
        }),
      ) as { maxRss: number; ms: number };
    const small = child(path);
    const large = child(bigPath);
    const mb = (x: number) => `${(x / 2 ** 20).toFixed(0)} MB`;
    row(
      `byte parser peak RSS at ${rows.toLocaleString('en-US')} rows`,
      `${mb(small.maxRss)} (${ms(small.ms)})`,
    );
    row(
      `byte parser peak RSS at ${big.toLocaleString('en-US')} rows`,
      `${mb(large.maxRss)} (${ms(large.ms)})`,
    );
    row('peak RSS 10x rows / 1x rows', ratio(large.maxRss, small.maxRss));
  }
}

/** csv-parse as the CSV source used it: string arrays, read in batches. */
async function csvParse(path: string): Promise<number> {
  const parser = parse({ bom: true, delimiter: ',', skip_empty_lines: true });
  createReadStream(path, { highWaterMark: READ_SIZE }).pipe(parser);
  let n = 0;
  for await (const records of readBatches<string[]>(parser)) n += records.length;
  return n - 1;
}

async function byteColumns(path: string): Promise<number> {
  let n = 0;
  for await (const batch of csvSource({ path, where }).columnBatches!()) n += batch.length;
  return n;
}

async function byteRows(path: string): Promise<number> {
  let n = 0;
  for await (const rows of csvSource({ path, where }).batches!()) n += rows.length;
  return n;
}

/** udsv over the same chunks, decoded as UTF-8 (a character may span two chunks), rows not kept. */
async function udsv(path: string, typed: boolean): Promise<number> {
  const decoder = new TextDecoder();
  let parser: Parser | undefined;
  let n = 0;
  const onRow = () => {
    n++;
  };
  const feed = (text: string) => {
    parser ??= initParser(inferSchema(text));
    if (typed) parser.chunk<unknown[]>(text, parser.typedArrs, onRow);
    else parser.chunk<string[]>(text, parser.stringArrs, onRow);
  };
  for await (const chunk of createReadStream(path, { highWaterMark: READ_SIZE })) {
    feed(decoder.decode(chunk as Buffer, { stream: true }));
  }
  feed(decoder.decode());
  parser?.end();
  return n;
}
