import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Folder for generated benchmark data, reused across runs. */
export const BENCH_DIR = join(tmpdir(), 'chartpress-bench');

/**
 * A sales CSV of `rows` rows (date, region, product, channel, units, revenue, cost), made with a
 * fixed seed so every run reads the same bytes. Written once and reused.
 */
export async function salesCsv(rows: number): Promise<string> {
  mkdirSync(BENCH_DIR, { recursive: true });
  const path = join(BENCH_DIR, `sales-${rows}.csv`);
  if (existsSync(path) && statSync(path).size > 0) return path;
  const regions = ['EMEA', 'Americas', 'APAC', 'LATAM'];
  const products = ['Ledger Pro', 'Ledger Cloud', 'Forecast', 'Audit Kit', 'Payroll', 'Tax'];
  const channels = ['Direct', 'Partner', 'Online'];
  let seed = 42;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  const start = Date.UTC(2022, 0, 1);
  await writeCsv(path, 'date,region,product,channel,units,revenue,cost', rows, (i) => {
    const t = new Date(start + Math.floor((i / rows) * 3 * 365 * 86_400_000)).toISOString().slice(0, 19);
    const units = 1 + Math.floor(rand() * 20);
    const revenue = (units * (50 + rand() * 950)).toFixed(2);
    return `${t}Z,${regions[i % 4]},${products[Math.floor(rand() * 6)]},${channels[i % 3]},${units},${revenue},${(Number(revenue) * 0.4).toFixed(2)}`;
  });
  return path;
}

/**
 * Writes a CSV of `rows` lines made by `line(i)` under `header`, in 1 MiB chunks, to a temporary
 * file renamed into place: a run cut short leaves no half file to be reused.
 */
export async function writeCsv(
  path: string,
  header: string,
  rows: number,
  line: (i: number) => string,
): Promise<void> {
  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  out.write(`${header}\n`);
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  renameSync(tmp, path);
}

/** The rows of `salesCsv(rows)` in a SQLite table `sales`, made once and reused. */
export async function salesSqlite(rows: number): Promise<string> {
  const path = join(BENCH_DIR, `sales-${rows}.db`);
  if (existsSync(path)) return path;
  const csv = await salesCsv(rows);
  const { default: Database } = await import('better-sqlite3');
  const { parse } = await import('csv-parse');
  const { createReadStream } = await import('node:fs');
  const db = new Database(`${path}.tmp`);
  db.exec(
    'create table sales (date text, region text, product text, channel text, units integer, revenue real, cost real)',
  );
  const insert = db.prepare('insert into sales values (?, ?, ?, ?, ?, ?, ?)');
  let batch: unknown[][] = [];
  const flush = db.transaction((b: unknown[][]) => {
    for (const r of b) insert.run(...r);
  });
  for await (const r of createReadStream(csv).pipe(parse({ from_line: 2 })) as AsyncIterable<string[]>) {
    batch.push([r[0], r[1], r[2], r[3], Number(r[4]), Number(r[5]), Number(r[6])]);
    if (batch.length === 50_000) {
      flush(batch);
      batch = [];
    }
  }
  flush(batch);
  db.close();
  renameSync(`${path}.tmp`, path);
  return path;
}
