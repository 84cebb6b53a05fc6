/** A latency distribution, in milliseconds. Percentiles are within 0.1% of the recorded values. */
export interface LatencySummary {
  readonly count: number;
  /** Sum of all values: for one report, the time the phase took. */
  readonly totalMs: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Buckets of microseconds, log-linear as in an HDR histogram: values below 2,048 µs have a
 * bucket each; above, each power of two is split into 1,024 buckets, so that no bucket is wider
 * than 1/1,024 of the values in it. Any value fits (no range to choose). A run fills a few
 * hundred buckets, kept in a Map; there are at most 1,024 for each power of two.
 */
const SUB_BITS = 10;
const SUB = 1 << SUB_BITS;

/** The bucket of `us` (an integer >= 1). */
function bucketOf(us: number): number {
  if (us < 2 * SUB) return us;
  let shift = Math.floor(Math.log2(us)) - SUB_BITS;
  // Math.log2 may round across a power of two: keep us / 2^shift in [1024, 2048).
  while (Math.floor(us / 2 ** shift) < SUB) shift--;
  while (Math.floor(us / 2 ** shift) >= 2 * SUB) shift++;
  return (shift + 1) * SUB + (Math.floor(us / 2 ** shift) - SUB);
}

/** The largest value in a bucket. */
function highestIn(bucket: number): number {
  if (bucket < 2 * SUB) return bucket;
  const shift = Math.floor(bucket / SUB) - 1;
  return ((bucket % SUB) + SUB + 1) * 2 ** shift - 1;
}

/** A histogram of durations: bounded memory, exact counts, p50/p95/p99 within 0.1% at any time. */
export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #count = 0;
  #totalMs = 0;
  #minMs = Number.POSITIVE_INFINITY;
  #maxUs = 0;

  record(ms: number): void {
    if (!(ms >= 0 && ms < Number.POSITIVE_INFINITY)) return;
    const us = Math.max(1, Math.round(ms * 1000));
    const bucket = bucketOf(us);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + 1);
    this.#count++;
    if (us > this.#maxUs) this.#maxUs = us;
    this.#totalMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
  }

  get count(): number {
    return this.#count;
  }

  reset(): void {
    this.#counts.clear();
    this.#count = 0;
    this.#maxUs = 0;
    this.#totalMs = 0;
    this.#minMs = Number.POSITIVE_INFINITY;
  }

  summary(): LatencySummary {
    const count = this.#count;
    if (count === 0)
      return { count, totalMs: 0, minMs: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
    const maxMs = round(this.#maxUs / 1000);
    const buckets = [...this.#counts.keys()].sort((a, b) => a - b);
    // The value below which p% of the values fall: the bucket holding the value of that rank,
    // by its largest value, never above the largest value recorded.
    const at = (p: number) => {
      const rank = Math.max(1, Math.round((p / 100) * count));
      let seen = 0;
      for (const bucket of buckets) {
        seen += this.#counts.get(bucket) ?? 0;
        if (seen >= rank) return Math.min(maxMs, round(highestIn(bucket) / 1000));
      }
      return maxMs;
    };
    return {
      count,
      totalMs: round(this.#totalMs),
      minMs: round(this.#minMs),
      meanMs: round(this.#totalMs / count),
      p50Ms: at(50),
      p95Ms: at(95),
      p99Ms: at(99),
      maxMs,
    };
  }
}

/** Rounds to microseconds, so snapshots print short. */
export function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
