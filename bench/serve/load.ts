/**
 * Load for the serve benchmark: autocannon against a server, and the same shape of load on a
 * function in this process (a fixed number of callers, each starting its next call when the last
 * one ends), both summed up alike.
 */
import autocannon from 'autocannon';

/** Concurrent connections (or in-process callers). */
export const CONNECTIONS = 8;

export interface Measured {
  /** Completed requests per second. */
  readonly rate: number;
  /** Latency percentiles, in ms. */
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  /** What went wrong, when anything did: statuses other than the expected one, errors. */
  readonly unexpected: readonly string[];
}

const pct = (sorted: readonly number[], p: number) => sorted[Math.floor((sorted.length - 1) * p)] ?? 0;

/** `seconds` of autocannon with `CONNECTIONS` connections; every answer should be `expected`. */
export async function cannon(
  options: Omit<autocannon.Options, 'connections' | 'duration'>,
  seconds: number,
  expected: number,
): Promise<Measured> {
  const result = await autocannon({ ...options, connections: CONNECTIONS, duration: seconds });
  const unexpected = Object.entries(result.statusCodeStats)
    .filter(([status]) => Number(status) !== expected)
    .map(([status, { count }]) => `${count} x ${status}`);
  if (result.errors > 0) unexpected.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  return {
    rate: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    count: result.requests.total,
    unexpected,
  };
}

/** `seconds` of `CONNECTIONS` callers of `call`, each passed a number no other call gets. */
export async function inProcess(call: (n: number) => Promise<unknown>, seconds: number): Promise<Measured> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const caller = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      try {
        await call(next++);
        latencies.push(performance.now() - t);
      } catch (e) {
        failures.push(e instanceof Error ? e.message : String(e));
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, caller));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / elapsed,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    count: latencies.length,
    unexpected: failures.length > 0 ? [`${failures.length} failed, first: ${failures[0]}`] : [],
  };
}
