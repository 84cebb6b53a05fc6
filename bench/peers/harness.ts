/** Shared helpers of the peers benchmark: processes timed, child results, tables and goals. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { median } from '../stats.js';

export const root = join(import.meta.dirname, '../..');
/** The built CLI. */
export const cli = join(root, 'dist/cli/main.js');
/** A child script of this folder. */
export const script = (name: string) => join(import.meta.dirname, name);

/** Throws a clear error when the package is not built: the children run `dist/`. */
export function requireBuild(): void {
  for (const file of [cli, join(root, 'dist/index.js')]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
}

/** Rounds of each cold measure: `BENCH_ROUNDS`, 5 by default. */
export function rounds(): number {
  const n = Number(process.env.BENCH_ROUNDS ?? 5);
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`BENCH_ROUNDS: expected an integer >= 1, got ${n}`);
  return n;
}

/** Whether `BENCH_ONLY` (a comma-separated list of section names) lets `section` run. */
export function selected(section: string, aliases: readonly string[] = []): boolean {
  const names = onlyNames();
  return !names || names.includes(section) || aliases.some((a) => names.includes(a));
}

/** The names in `BENCH_ONLY`, checked against `known`; undefined when it is not set. */
export function onlyNames(known?: readonly string[]): string[] | undefined {
  const only = process.env.BENCH_ONLY;
  if (!only) return undefined;
  const names = only.split(',').map((s) => s.trim());
  const unknown = known && names.filter((n) => !known.includes(n));
  if (unknown?.length)
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')} (known: ${known?.join(', ')})`);
  return names;
}

export interface Timed {
  /** Wall time of the process, from spawn to exit, in ms. */
  readonly ms: number;
  readonly stdout: string;
}

/**
 * Runs `command` (default: this Node) with `args` to completion and times it. A non-zero exit
 * throws with the command and its stderr, so a broken contender never passes as a fast one.
 */
export function timeProcess(args: readonly string[], command = process.execPath): Timed {
  const t = performance.now();
  const r = spawnSync(command, args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t;
  if (r.error || r.status !== 0) {
    const why = r.error?.message ?? `exit ${r.status ?? r.signal}`;
    throw new Error(`${command} ${args.join(' ')}: ${why}\n${r.stderr?.slice(-2000) ?? ''}`);
  }
  return { ms, stdout: r.stdout };
}

/** The JSON object a child printed as its last line of stdout. */
export function childResult<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as T;
}

/** Samples by contender, filled round by round. */
export class Samples<K extends string> {
  readonly #by = new Map<K, number[]>();
  add(key: K, ms: number): void {
    const xs = this.#by.get(key) ?? [];
    xs.push(ms);
    this.#by.set(key, xs);
  }
  median(key: K): number {
    return median(this.#by.get(key) ?? []);
  }
  count(key: K): number {
    return this.#by.get(key)?.length ?? 0;
  }
}

export const fmtMs = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms` : '—');
export const fmtRatio = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : '—');
export const fmtMB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
export const fmtKB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Prints a table with a title: columns padded to their widest cell, the first left-aligned. */
export function table(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c] ?? 0) : x.padStart(widths[c] ?? 0))).join('  ');
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

export const loadAverage = () =>
  `load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`;

/** A goal of the run: a ratio that must stay at most (`le`) or at least (`ge`) `target`. */
export interface GoalDef {
  readonly label: string;
  readonly cmp: 'le' | 'ge';
  readonly target: number;
}

interface Goal extends GoalDef {
  readonly measured: number | undefined;
  readonly note: string;
}

const goals: Goal[] = [];

/** Records what was measured for a goal (undefined: not measured, with `note` saying why). */
export function goal(def: GoalDef, measured: number | undefined, note = ''): void {
  goals.push({ ...def, measured, note });
}

/** The final table: every goal, its measured ratio and PASS or MISS. */
export function printGoals(): void {
  table(
    'summary: goals',
    ['goal', 'target', 'measured', 'result', 'note'],
    goals.map((g) => {
      const ok =
        g.measured !== undefined && (g.cmp === 'le' ? g.measured <= g.target : g.measured >= g.target);
      return [
        g.label,
        `${g.cmp === 'le' ? '<=' : '>='} ${g.target.toFixed(1)}x`,
        g.measured === undefined ? '—' : fmtRatio(g.measured),
        g.measured === undefined ? 'NOT RUN' : ok ? 'PASS' : 'MISS',
        g.note,
      ];
    }),
  );
}
