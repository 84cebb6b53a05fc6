/**
 * The data phase: the generated sales CSV and the eight queries of data-queries.ts, each
 * contender in a fresh process per round, its answers checked against chartpress's.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { salesCsv } from '../gen.js';
import { median } from '../stats.js';
import { eightQueries } from '../suites/data-queries.js';
import {
  childResult,
  fmtMB,
  fmtMs,
  fmtRatio,
  type GoalDef,
  goal,
  Samples,
  script,
  table,
  timeProcess,
} from './harness.js';

export const dataGoals = [
  { label: 'data: chartpress / DuckDB (load + 8 queries)', cmp: 'le', target: 1 },
] as const satisfies readonly GoalDef[];

type Cell = string | number | null;
type Results = Record<string, Record<string, Cell>[]>;

interface DataRun {
  /** Read and eight queries, timed inside the child (after its imports). */
  readonly ms: number;
  readonly maxRss: number;
  readonly results: Results;
}

/**
 * Where `b` differs from `a` (`undefined`: the same answers). Rows are compared as sets keyed by
 * their text cells; numbers to a relative 1e-9, since sums in another order round differently.
 */
export function differences(a: Results, b: Results): string | undefined {
  const key = (r: Record<string, Cell>) =>
    JSON.stringify(
      Object.entries(r)
        .filter(([, v]) => typeof v !== 'number')
        .sort(),
    );
  for (const [id, rows] of Object.entries(a)) {
    const other = new Map((b[id] ?? []).map((r) => [key(r), r]));
    if (other.size !== rows.length) return `${id}: ${other.size} rows, not ${rows.length}`;
    for (const r of rows) {
      const o = other.get(key(r));
      if (!o) return `${id}: no row ${key(r)}`;
      for (const [field, v] of Object.entries(r)) {
        const w = o[field];
        const close =
          typeof v === 'number' && typeof w === 'number'
            ? Math.abs(v - w) <= 1e-9 * Math.max(1, Math.abs(v))
            : v === w;
        if (!close) return `${id}: ${key(r)} ${field} ${String(w)}, not ${String(v)}`;
      }
    }
  }
  return undefined;
}

export async function dataSection(dir: string, rounds: number): Promise<void> {
  const rows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const csv = await salesCsv(rows);
  const queries = join(dir, 'queries.json');
  writeFileSync(queries, JSON.stringify([...eightQueries]));
  const contenders: [string, string[]][] = [
    ['chartpress (engine.data, one scan)', [script('data-chartpress.mjs'), csv, queries]],
    ['DuckDB (in memory, default threads)', [script('data-duckdb.mjs'), csv]],
    ['DuckDB, threads = 1', [script('data-duckdb.mjs'), csv, '1']],
    ['udsv + aggregates by hand', [script('data-udsv.mjs'), csv]],
    ['csv-parse + aggregates by hand', [script('data-csv-parse.mjs'), csv]],
  ];
  const inner = new Samples<string>();
  const wall = new Samples<string>();
  const rss = new Map<string, number[]>();
  const verdict = new Map<string, string>();
  let reference: Results | undefined;
  for (let r = 0; r < rounds; r++) {
    for (const [label, args] of contenders) {
      const t = timeProcess(args);
      const run = childResult<DataRun>(t.stdout);
      inner.add(label, run.ms);
      wall.add(label, t.ms);
      rss.set(label, [...(rss.get(label) ?? []), run.maxRss]);
      reference ??= run.results;
      if (!verdict.has(label)) verdict.set(label, differences(reference, run.results) ?? 'same');
    }
  }
  const cp = contenders[0]?.[0] ?? '';
  table(
    `4. data: ${rows.toLocaleString('en-US')} CSV rows, 8 queries; a fresh process per run, median of ${rounds} interleaved rounds`,
    ['contender', 'load + 8 queries', 'process wall', 'peak RSS', 'cp / it', 'answers vs chartpress'],
    contenders.map(([label]) => [
      label,
      fmtMs(inner.median(label)),
      fmtMs(wall.median(label)),
      fmtMB(median(rss.get(label) ?? [])),
      fmtRatio(inner.median(cp) / inner.median(label)),
      verdict.get(label) ?? '',
    ]),
  );
  const duck = contenders[1]?.[0] ?? '';
  goal(
    dataGoals[0],
    inner.median(cp) / inner.median(duck),
    verdict.get(duck) === 'same' ? '' : 'answers differ',
  );
}
