import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ChartpressError, problem } from '../errors.js';
import { MAX_TIMEOUT_MS } from '../spec/limits.js';
import type { ChartType } from '../spec/schema.js';

/**
 * How charts are rendered: in process for small batches, else on a pool of worker threads that
 * starts when it pays (or on `engine.warmup()`), with a timeout per chart and workers replaced
 * before they grow.
 */
export interface PoolOptions {
  /**
   * Worker threads at most. Defaults to `os.availableParallelism()`; at most `maxThreads()`
   * (4 × that). 1 renders in process.
   */
  readonly threads?: number;
  /**
   * Milliseconds a chart may take to render. Defaults to 10000; at most 2^31 - 1
   * (`MAX_TIMEOUT_MS`, the longest a timer waits). A timeout given here (or a
   * chart's `options.timeoutMs`) is enforced: those charts render in workers, and one over its
   * time is stopped. The default is also applied in process, but only once a render returns.
   */
  readonly timeoutMs?: number;
  /**
   * Whether every chart renders in a worker, so that its timeout is enforced. Defaults to true
   * when `timeoutMs` is given, else false: small batches then render in process, where a render
   * over its time fails only once it returns.
   */
  readonly enforceTimeouts?: boolean;
  /**
   * Estimated rendering work (ms) below which charts render in process: a built worker starts in
   * about 0.1 s, but on a small report the threads' hand-offs cost more than they save (the
   * example's 8 charts: 0.53 s cold with workers, 0.44 s in process). Defaults to 2500. 0 sends every chart to a worker; Infinity never starts one
   * (unless a timeout must be enforced). Once workers run, they take every chart.
   */
  readonly inProcessBelowMs?: number;
  /** Charts waiting for a worker at most; one more fails (`CP_ERR_CHART_RENDER`). Defaults to 10000. */
  readonly maxQueue?: number;
  /**
   * Renders after which a worker is replaced by a fresh one (counted as charts are handed over:
   * it draws the rest of the batch it holds, so it may draw a few more). Defaults to never
   * (`Infinity`): a worker is replaced when its heap grows past half of `workerHeapMb`, not for
   * its count, so a long run never pays for a restart it does not need.
   */
  readonly recycleAfter?: number;
  /**
   * Heap limit of a worker in MiB (`resourceLimits.maxOldGenerationSizeMb`); a worker whose heap
   * passes half of it is replaced after its render. Defaults to 512.
   */
  readonly workerHeapMb?: number;
  /**
   * Share of this process's heap limit above which fewer charts render at once (one fewer per
   * step, back up when usage falls below 0.9 of it). Defaults to 0.8.
   */
  readonly memoryLimit?: number;
  /**
   * Milliseconds without work after which the workers end; Infinity keeps them. Defaults to
   * 60000; a finite value is at most 2^31 - 1.
   */
  readonly idleTimeoutMs?: number;
  /**
   * Modules that draw chart types instead of the built-in ECharts renderer, by chart type: a
   * path or file URL of an ES module exporting `renderChartSvg(chart, frame): string`. Defaults
   * to none. Charts drawn by such a module get keys of their own.
   */
  readonly renderers?: Partial<Readonly<Record<ChartType, string | URL>>>;
}

export const poolDefaults = Object.freeze({
  timeoutMs: 10_000,
  inProcessBelowMs: 2_500,
  maxQueue: 10_000,
  recycleAfter: Number.POSITIVE_INFINITY,
  workerHeapMb: 512,
  memoryLimit: 0.8,
  idleTimeoutMs: 60_000,
});

/**
 * Most worker threads a pool may have: 4 × `os.availableParallelism()`. Rendering is CPU-bound;
 * beyond that, threads only add memory (each worker holds its own ECharts heap).
 */
export function maxThreads(): number {
  return 4 * availableParallelism();
}

export interface ResolvedPoolOptions {
  readonly threads: number;
  readonly timeoutMs: number;
  /** Whether every chart goes to a worker, where its timeout is enforced. */
  readonly enforceTimeout: boolean;
  readonly inProcessBelowMs: number;
  readonly maxQueue: number;
  readonly recycleAfter: number;
  readonly workerHeapMb: number;
  readonly memoryLimit: number;
  readonly idleTimeoutMs: number;
  /** Renderer module URLs by chart type. */
  readonly renderers: Readonly<Partial<Record<ChartType, string>>>;
}

/** Options with every default filled in and every value checked; frozen. */
export function resolvePoolOptions(o: PoolOptions = {}): ResolvedPoolOptions {
  const threads = o.threads ?? availableParallelism();
  integer('pool.threads', threads, 1, maxThreads());
  const timeoutMs = o.timeoutMs ?? poolDefaults.timeoutMs;
  integer('pool.timeoutMs', timeoutMs, 1, MAX_TIMEOUT_MS);
  const inProcessBelowMs = o.inProcessBelowMs ?? poolDefaults.inProcessBelowMs;
  if (!(inProcessBelowMs >= 0)) invalid('pool.inProcessBelowMs', 'a number of at least 0', inProcessBelowMs);
  const maxQueue = o.maxQueue ?? poolDefaults.maxQueue;
  integer('pool.maxQueue', maxQueue, 1);
  const recycleAfter = o.recycleAfter ?? poolDefaults.recycleAfter;
  if (recycleAfter !== Number.POSITIVE_INFINITY) integer('pool.recycleAfter', recycleAfter, 1);
  const workerHeapMb = o.workerHeapMb ?? poolDefaults.workerHeapMb;
  // A worker needs some 30-50 MB for ECharts alone.
  integer('pool.workerHeapMb', workerHeapMb, 64);
  const memoryLimit = o.memoryLimit ?? poolDefaults.memoryLimit;
  if (!(memoryLimit > 0 && memoryLimit <= 1))
    invalid('pool.memoryLimit', 'a share above 0, up to 1', memoryLimit);
  const idleTimeoutMs = o.idleTimeoutMs ?? poolDefaults.idleTimeoutMs;
  // A finite wait past the timer limit would fire at once (Node clamps it to 1 ms).
  if (!(idleTimeoutMs > 0 && (idleTimeoutMs <= MAX_TIMEOUT_MS || idleTimeoutMs === Number.POSITIVE_INFINITY)))
    invalid(
      'pool.idleTimeoutMs',
      `a number above 0, at most ${MAX_TIMEOUT_MS} (Infinity: never)`,
      idleTimeoutMs,
    );
  const renderers: Partial<Record<ChartType, string>> = {};
  for (const [type, module] of Object.entries(o.renderers ?? {}) as [ChartType, string | URL][])
    renderers[type] = moduleUrl(module);
  return Object.freeze({
    threads,
    timeoutMs,
    enforceTimeout: o.enforceTimeouts ?? o.timeoutMs !== undefined,
    inProcessBelowMs,
    maxQueue,
    recycleAfter,
    workerHeapMb,
    memoryLimit,
    idleTimeoutMs,
    renderers: Object.freeze(renderers),
  });
}

/** A module given as a path or URL, as a URL `import()` takes in any thread. */
function moduleUrl(module: string | URL): string {
  if (module instanceof URL) return module.href;
  return module.startsWith('file:') ? module : pathToFileURL(resolve(module)).href;
}

function integer(path: string, n: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!(Number.isInteger(n) && n >= min && n <= max)) {
    invalid(
      path,
      max === Number.MAX_SAFE_INTEGER ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`,
      n,
    );
  }
}

function invalid(path: string, expected: string, got: unknown): never {
  throw new ChartpressError(
    problem(
      'CP_ERR_INVALID_VALUE',
      `${path}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`,
      {
        path,
      },
    ),
  );
}
