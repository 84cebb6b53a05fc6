import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Documents of a burst between two full garbage collections: 50. Left to itself, V8 lets a
 * burst's garbage (chart texts, documents, their native buffers) pile up to several times what
 * is live before it collects, and the process's memory creeps up for hundreds of documents; a
 * collection every 50 documents holds it at what is live. One took 28–54 ms among the burst
 * benchmark's documents, which take about 50 ms each (bench/burst/rss-probe.ts): some 1–2% of a
 * burst's time.
 */
export const COLLECT_EVERY_DOCUMENTS = 50;

/** V8's `gc`: a full collection, or with `{ type: 'minor' }` one of the young generation. */
type Collector = (options?: { type: 'minor' | 'major' }) => void;

let collector: Collector | null | undefined;

/**
 * Runs a full garbage collection of this thread's heap; false when V8 gives no way to (it then
 * collects as it sees fit). Uses `gc` when the process has it (`node --expose-gc`), otherwise
 * takes it from a context made with V8's `--expose-gc` set for that moment only.
 */
export function collectGarbage(): boolean {
  collector ??= findCollector();
  if (collector === null) return false;
  collector();
  return true;
}

/**
 * Collects this thread's young generation (a scavenge, about a millisecond), as
 * `collectGarbage` finds the way to; false when V8 gives none. What a thread receives from
 * another (typed arrays moved with their buffers) is young and outside the heap: a thread that
 * receives much and allocates little in its heap would let V8 wait for tens of megabytes of
 * such buffers before it collects them.
 */
export function collectYoung(): boolean {
  collector ??= findCollector();
  if (collector === null) return false;
  collector({ type: 'minor' });
  return true;
}

function findCollector(): Collector | null {
  const own = (globalThis as { gc?: unknown }).gc;
  if (typeof own === 'function') return own as Collector;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Collector) : null;
  } catch {
    return null;
  } finally {
    // Contexts and threads made later do not get a `gc` of their own.
    setFlagsFromString('--no-expose-gc');
  }
}
