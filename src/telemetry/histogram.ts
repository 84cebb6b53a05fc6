import * as hdr from 'hdr-histogram-js';

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

/** Microseconds resolution; the range grows past one minute on its own. */
const OPTIONS = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 60_000_000,
  autoResize: true,
  numberOfSignificantValueDigits: 3,
} as const;

/** An HDR histogram of durations: constant memory, exact counts, p50/p95/p99 at any time. */
export class LatencyHistogram {
  readonly #h = hdr.build(OPTIONS);
  #totalMs = 0;
  #minMs = Number.POSITIVE_INFINITY;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    this.#h.recordValue(Math.max(1, Math.round(ms * 1000)));
    this.#totalMs += ms;
    if (ms < this.#minMs) this.#minMs = ms;
  }

  get count(): number {
    return this.#h.totalCount;
  }

  reset(): void {
    this.#h.reset();
    this.#totalMs = 0;
    this.#minMs = Number.POSITIVE_INFINITY;
  }

  summary(): LatencySummary {
    const count = this.#h.totalCount;
    if (count === 0)
      return { count, totalMs: 0, minMs: 0, meanMs: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, maxMs: 0 };
    const maxMs = round(this.#h.maxValue / 1000);
    // A bucket reports its upper edge; never above the largest value recorded.
    const at = (p: number) => Math.min(maxMs, round(this.#h.getValueAtPercentile(p) / 1000));
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
