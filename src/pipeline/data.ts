import { resolve } from 'node:path';
import { runQueries } from '../data/scan.js';
import { datasetSecrets, type Secrets } from '../data/secrets.js';
import { openSource } from '../data/sources/index.js';
import type { FileRoots } from '../data/sources/roots.js';
import { ChartpressError, type Problem, problem, type Warning } from '../errors.js';
import { emptyFrame, type Frame } from '../frame.js';
import type { Params } from '../spec/params.js';
import type { Query, Report } from '../spec/schema.js';
import { PlanDimensions } from './dimensions.js';
import type { FrameRun } from './kept-frames.js';
import type { Plan, PlannedQuery } from './plan.js';

/** The frames of a plan's queries by chart or table id, and the problems of those that failed. */
export interface PlanData {
  readonly frames: ReadonlyMap<string, Frame>;
  readonly failed: ReadonlyMap<string, Problem>;
  /**
   * The ids whose frame no other query shares: the frame may be handed over to a worker (its
   * buffers detached) without another chart losing its data.
   */
  readonly owned: ReadonlySet<string>;
}

export interface DataContext {
  readonly report: Report;
  readonly params: Params;
  readonly baseDir: string;
  readonly file?: string | undefined;
  /** Receives warnings raised while reading (each may come more than once). */
  readonly warn?: ((w: Warning) => void) | undefined;
  /** Folders data files must lie under (see `FileAccessOptions`). Defaults to anywhere. */
  readonly roots?: FileRoots | undefined;
  /**
   * Told of the SHA-256 of each data file read whole, by its path as the report names it
   * (resolved against `baseDir`, before links): what reruns compare (see rerun.ts).
   */
  readonly onRead?: ((path: string, sha256: string) => void) | undefined;
  /**
   * Frames kept from earlier renders (see `KeptFrames`): a query whose dataset and params are
   * unchanged takes its frame from there, and what is scanned is kept. Defaults to none.
   */
  readonly frames?: FrameRun | undefined;
}

/** Each dataset's frames, as its scan finishes. */
export interface PlanDataSource {
  /** The frames of one dataset's queries (by chart or table id); its scan starts on first ask. */
  dataset(name: string): Promise<PlanData>;
  /** The frames of every query, once every scan is done. */
  all(): Promise<PlanData>;
}

/**
 * Runs the planned queries dataset by dataset. `eager` starts every scan now, one dataset after
 * another in plan order, so that a document's charts on the first dataset can be drawn while the
 * next is read; otherwise a dataset is read only when something asks for it.
 */
export function openPlanData(plan: Plan, given: DataContext, { eager = false } = {}): PlanDataSource {
  // Connection passwords never leave the data phase: not in a problem, a warning or an error;
  // with `files.relativePaths`, neither do the folders of the roots.
  const secrets = datasetSecrets(given.report.datasets).hideFolders(given.roots?.hidden ?? []);
  const warn = given.warn;
  const ctx: DataContext =
    secrets.size > 0 && warn ? { ...given, warn: (w) => warn(secrets.warning(w)) } : given;
  const scans = new Map<string, Promise<PlanData>>();
  // The datasets that lookups read, each in a pass of its own before the scans that need it.
  const dimensions = new PlanDimensions(plan, ctx, secrets);
  const start = (name: string, after?: Promise<unknown>) => {
    const run = () => runDataset(name, plan.queries.get(name) ?? new Map(), ctx, secrets, dimensions);
    const scan = after ? after.then(run, run) : run();
    // Awaited by whoever needs the dataset; a rejection nobody asked about is not a crash.
    scan.catch(() => {});
    scans.set(name, scan);
    return scan;
  };
  if (eager) {
    let previous: Promise<unknown> | undefined;
    for (const name of plan.queries.keys()) previous = start(name, previous);
  }
  const dataset = (name: string) => scans.get(name) ?? start(name);
  return {
    dataset,
    async all() {
      const parts = await Promise.all([...plan.queries.keys()].map(dataset));
      return {
        frames: new Map(parts.flatMap((p) => [...p.frames])),
        failed: new Map(parts.flatMap((p) => [...p.failed])),
        owned: new Set(parts.flatMap((p) => [...p.owned])),
      };
    },
  };
}

/** Runs every planned query: one scan per dataset feeding all of its queries, one dataset at a time. */
export function runPlanData(plan: Plan, ctx: DataContext): Promise<PlanData> {
  return openPlanData(plan, ctx, { eager: true }).all();
}

/**
 * The queries of one dataset, in one scan. A query that fails (an unknown column, say) fails
 * alone: the dataset is scanned again for the others. A dataset that cannot be read fails every
 * query on it.
 */
async function runDataset(
  name: string,
  queries: ReadonlyMap<string, PlannedQuery>,
  ctx: DataContext,
  secrets: Secrets,
  dimensions: PlanDimensions,
): Promise<PlanData> {
  const frames = new Map<string, Frame>();
  const failed = new Map<string, Problem>();
  const dataset = ctx.report.datasets[name];
  if (!dataset) return { frames, failed, owned: new Set() }; // checked before planning
  let pending = new Map(queries);
  const kept = ctx.frames;
  const stamp = kept && (await kept.stamp(name, dataset, ctx));
  if (kept && stamp) {
    for (const [id, q] of queries) {
      // A lookup's frame depends on its dimension too, which the stamp does not cover.
      const found = q.query.lookup === undefined ? kept.get(stamp, q.query, ctx.params) : undefined;
      if (!found) continue;
      frames.set(id, found.frame);
      pending.delete(id);
      for (const w of found.warnings) ctx.warn?.(w);
    }
    if (pending.size === 0) kept.reused.add(name);
  }
  // The warnings of a scan whose frames are kept are told again when the frames are reused.
  const raised: Warning[] = [];
  const warn = ctx.warn;
  const scanCtx: DataContext =
    stamp && warn
      ? {
          ...ctx,
          warn: (w) => {
            if (raised.length < MAX_KEPT_WARNINGS) raised.push(w);
            warn(w);
          },
        }
      : ctx;
  if (pending.size > 0) kept?.scanned.add(name);
  while (pending.size > 0) {
    try {
      const result = await scanDataset(name, pending, scanCtx, dimensions);
      for (const [id, frame] of result) frames.set(id, frame);
      if (kept && stamp) {
        const scanned = [...result].flatMap(([id, frame]) => {
          const q = pending.get(id);
          return q && q.query.lookup === undefined ? [[q.query, frame] as const] : [];
        });
        kept.keep(stamp, scanned, ctx.params, raised);
      }
      break;
    } catch (thrown) {
      const e = secrets.error(thrown);
      if (!(e instanceof ChartpressError)) throw e;
      const blamed = blame(e.problems, pending);
      if (blamed.size === 0) {
        // The dataset itself failed: every query on it fails with the first problem.
        for (const id of pending.keys())
          failed.set(id, e.problems[0] ?? problem('CP_ERR_DATA_READ', e.message));
        break;
      }
      for (const [id, p] of blamed) failed.set(id, p);
      pending = new Map([...pending].filter(([id]) => !blamed.has(id)));
    }
  }
  for (const id of failed.keys()) frames.set(id, emptyFrame);
  // Kept frames are shared with later renders: none may be handed over to a worker.
  return { frames, failed, owned: kept ? new Set() : soleFrames(frames) };
}

/** Warnings kept with the frames of one scan, at most. */
const MAX_KEPT_WARNINGS = 100;

/** The ids whose frame object appears once among the dataset's frames. */
function soleFrames(frames: ReadonlyMap<string, Frame>): Set<string> {
  const uses = new Map<Frame, number>();
  for (const f of frames.values()) uses.set(f, (uses.get(f) ?? 0) + 1);
  return new Set([...frames].flatMap(([id, f]) => (uses.get(f) === 1 ? [id] : [])));
}

/**
 * The frames of one dataset's queries: pushed down to the database where SQL can express them,
 * the rest computed in one streaming pass.
 */
async function scanDataset(
  name: string,
  queries: ReadonlyMap<string, PlannedQuery>,
  ctx: DataContext,
  dimensions: PlanDimensions,
): Promise<Map<string, Frame>> {
  const dataset = ctx.report.datasets[name];
  if (!dataset) throw new Error(`dataset "${name}" was not checked before planning`);
  const plain = new Map([...queries].map(([id, q]) => [id, q.query] as const));
  const paths = new Map([...queries].map(([id, q]) => [id, q.path] as const));
  const frames = new Map<string, Frame>();
  let rest: ReadonlyMap<string, Query> = plain;
  const dims = await dimensions.for(plain.values());
  if (
    dataset.source === 'sqlite' ||
    dataset.source === 'postgres' ||
    dataset.source === 'parquet' ||
    dataset.source === 'duckdb'
  ) {
    // Loaded on first use: the database drivers cost start-up time reports without SQL never need.
    const { runPushDowns } = await import('../data/sql/index.js');
    const pushed = await runPushDowns(name, dataset, plain, ctx.params, {
      baseDir: ctx.baseDir,
      file: ctx.file,
      paths,
      warn: ctx.warn,
      roots: ctx.roots,
      datasets: ctx.report.datasets,
      dimensions: dims,
    });
    for (const [id, frame] of pushed) frames.set(id, frame);
    rest = new Map([...plain].filter(([id]) => !pushed.has(id)));
  }
  if (rest.size > 0) {
    const { onRead } = ctx;
    const declared =
      'path' in dataset && dataset.path !== undefined ? resolve(ctx.baseDir, dataset.path) : undefined;
    const source = openSource(name, dataset, {
      baseDir: ctx.baseDir,
      file: ctx.file,
      roots: ctx.roots,
      onRead: onRead && declared !== undefined ? (sha) => onRead(declared, sha) : undefined,
    });
    const scanned = await runQueries(source, rest, ctx.params, {
      dataset: name,
      file: ctx.file,
      paths,
      warn: ctx.warn,
      dimensions: dims,
    });
    for (const [id, frame] of scanned) frames.set(id, frame);
  }
  return frames;
}

/** Which queries the problems point at, by the field path each query was written at. */
function blame(
  problems: readonly Problem[],
  queries: ReadonlyMap<string, PlannedQuery>,
): Map<string, Problem> {
  const out = new Map<string, Problem>();
  for (const p of problems) {
    if (p.path === undefined) continue;
    for (const [id, q] of queries) {
      if ((p.path === q.path || p.path.startsWith(`${q.path}.`)) && !out.has(id)) out.set(id, p);
    }
  }
  return out;
}
