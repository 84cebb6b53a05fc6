import type { RenderedChart, TableData } from '../document/model.js';
import type { Problem } from '../errors.js';
import type { ChartType } from '../spec/schema.js';
import type { RunCacheStats } from './charts.js';
import type { Plan } from './plan.js';

/** What became of one chart of a report. */
export interface ChartInfo {
  readonly id: string;
  readonly type: ChartType;
  /** Content key; empty for a skipped chart. */
  readonly key: string;
  readonly status: 'rendered' | 'cached' | 'failed' | 'skipped';
  readonly ms: number;
  /** Size of the chart's SVG in bytes. */
  readonly bytes: number;
  readonly error?: Problem | undefined;
}

/** The object `--stats json` prints. */
export interface RenderStats {
  readonly charts: { total: number; rendered: number; cached: number; failed: number; skipped: number };
  /**
   * Phases overlap (a dataset's charts render while the next dataset is read), so each counts
   * what it added: `data` until every dataset was read, `charts` the time charts took beyond
   * that, `document` the writing (and PDF compile) after both.
   */
  readonly ms: { total: number; data: number; charts: number; document: number };
  /**
   * This render's cache lookups (one per distinct chart): found, not found (rendered), and the
   * stored (compressed) size of the entries it read or wrote.
   */
  readonly cache: { hits: number; misses: number; bytes: number };
  /**
   * `cached` when the whole document was a rerun's: its report, params and data files unchanged
   * since a render kept in the cache folder, so nothing was read or drawn. Absent otherwise.
   */
  readonly document?: 'cached';
}

export function chartInfo(c: RenderedChart): ChartInfo {
  return {
    id: c.id,
    type: c.type,
    key: c.key,
    status: c.status,
    ms: round(c.ms),
    bytes: c.bytes ?? Buffer.byteLength(c.svg),
    ...(c.error ? { error: c.error } : {}),
  };
}

/** Every chart of the plan in plan order (those never pulled as skipped), then the skipped ones. */
export function chartInfos(plan: Plan, done: ReadonlyMap<string, RenderedChart>): ChartInfo[] {
  const infos = [...plan.charts.values()].map((use) => {
    const chart = done.get(use.id);
    return chart ? chartInfo(chart) : skippedInfo(use.id, use.chart.type);
  });
  for (const s of plan.skipped) infos.push(skippedInfo(s.id, s.type));
  return infos;
}

function skippedInfo(id: string, type: ChartType): ChartInfo {
  return { id, type, key: '', status: 'skipped', ms: 0, bytes: 0 };
}

/** The stats of a render: its charts by status, its phase times (see `PhaseClock`) and its cache use. */
export function renderStats(
  infos: readonly ChartInfo[],
  ms: RenderStats['ms'],
  cache: RunCacheStats,
): RenderStats {
  const count = (status: ChartInfo['status']) => infos.filter((c) => c.status === status).length;
  return {
    charts: {
      total: infos.length,
      rendered: count('rendered'),
      cached: count('cached'),
      failed: count('failed'),
      skipped: count('skipped'),
    },
    ms,
    cache: { ...cache },
  };
}

/**
 * The problems of failed charts and tables, one per line: a dataset that fails every chart on
 * it is printed once, naming the charts and tables it kept from being drawn.
 */
export function failures(
  charts: ReadonlyMap<string, RenderedChart>,
  tables: ReadonlyMap<string, TableData>,
  file: string | undefined,
): Problem[] {
  const list: { problem: Problem; what: string }[] = [];
  for (const c of charts.values())
    if (c.error) list.push({ problem: withFile(c.error, file), what: `chart ${c.id}` });
  for (const [id, t] of tables) {
    if (t.error) list.push({ problem: withFile(t.error, file), what: `table ${id}` });
    // A sparkline cell that failed shows its placeholder; its problem is the report's too.
    for (const cells of t.sparklines?.values() ?? [])
      for (const c of cells)
        if (c?.error) list.push({ problem: withFile(c.error, file), what: `table ${id}` });
  }
  const groups = new Map<string, { problem: Problem; whats: string[] }>();
  for (const { problem: p, what } of list) {
    const key = `${p.code}\u0000${p.file}\u0000${p.path}\u0000${p.message}`;
    const group = groups.get(key) ?? { problem: p, whats: [] };
    group.whats.push(what);
    groups.set(key, group);
  }
  return [...groups.values()].map(({ problem: p, whats }) => {
    const named = whats.length === 1 && p.path?.startsWith(`charts.${whats[0]?.replace(/^chart /, '')}.`);
    return named ? p : { ...p, message: `${p.message} (failed: ${whats.join(', ')})` };
  });
}

export function withFile<T extends { readonly file?: string | undefined }>(
  p: T,
  file: string | undefined,
): T {
  return p.file !== undefined || file === undefined ? p : { ...p, file };
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
