import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { STOP } from '../../../src/data/sources/csv-messages.js';
import {
  dropSpareReaders,
  SPARE_MS,
  spareReaders,
  spareThreads,
  THREAD_MIN_BYTES,
  THREADS,
  takeReaders,
} from '../../../src/data/sources/csv-spare.js';
import { FileRoots } from '../../../src/data/sources/roots.js';
import { createEngine } from '../../../src/engine.js';

/** Reader threads started with a report, before its data phase asks for them. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-csv-spare-'));
  // Sparse files: only their size is looked at, until an engine reads one.
  for (const [name, size] of [
    ['big.csv', THREAD_MIN_BYTES],
    ['small.csv', THREAD_MIN_BYTES - 1],
  ] as const) {
    const f = await open(join(dir, name), 'w');
    await f.truncate(size);
    await f.close();
  }
});
afterEach(async () => {
  vi.useRealTimers();
  await dropSpareReaders();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const report = (dataset: Record<string, unknown>) => ({ title: 't', datasets: { d: dataset }, body: [] });
const exited = (w: { once(e: 'exit', f: () => void): unknown }) =>
  new Promise<void>((r) => w.once('exit', () => r()));

describe('spareReaders', () => {
  it('starts the threads for a CSV file of THREAD_MIN_BYTES, which takeReaders then hands out', async () => {
    await spareReaders(report({ source: 'csv', path: 'big.csv' }), dir);
    expect(spareThreads().length).toBe(THREADS);
    // A second report while they wait starts no more.
    await spareReaders(report({ source: 'csv', path: join(dir, 'big.csv') }), '/');
    expect(spareThreads().length).toBe(THREADS);
    const taken = takeReaders();
    expect(taken).toHaveLength(THREADS);
    expect(spareThreads().length).toBe(0);
    await Promise.all(taken.map((w) => w.terminate()));
  });

  it('starts nothing for what will not be read on threads, or cannot be judged', async () => {
    const roots = new FileRoots([join(dir, 'elsewhere')]);
    const cases: [unknown, FileRoots?][] = [
      [report({ source: 'csv', path: 'small.csv' })],
      [report({ source: 'csv', path: 'missing.csv' })],
      [report({ source: 'csv', path: '*.csv' })],
      [report({ source: 'csv', path: 42 })],
      [report({ source: 'ndjson', path: 'big.csv' })],
      [report({ source: 'csv', path: '.' })],
      [report({ source: 'csv', path: 'big.csv' }), roots],
      [{ datasets: 'big.csv' }],
      [{ datasets: { d: null } }],
      [null],
      ['big.csv'],
    ];
    for (const [input, r] of cases) {
      await spareReaders(input, dir, r);
      expect(spareThreads().length, JSON.stringify(input)).toBe(0);
    }
    await spareReaders(report({ source: 'csv', path: 'big.csv' }), dir, new FileRoots([dir]));
    expect(spareThreads().length).toBe(THREADS);
  });

  it('replaces a spare thread that ended before it was taken', async () => {
    await spareReaders(report({ source: 'csv', path: 'big.csv' }), dir);
    const [ended, kept] = spareThreads();
    const gone = exited(ended!);
    ended!.postMessage(STOP);
    await gone;
    expect(spareThreads()).toEqual([kept]);
    const taken = takeReaders();
    expect(taken).toHaveLength(THREADS);
    expect(taken[0]).toBe(kept);
    expect(taken).not.toContain(ended);
    await Promise.all(taken.map((w) => w.terminate()));
  });

  it(`ends the threads that were not taken within SPARE_MS (${SPARE_MS} ms)`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await spareReaders(report({ source: 'csv', path: 'big.csv' }), dir);
    expect(spareThreads().length).toBe(THREADS);
    vi.advanceTimersByTime(SPARE_MS - 1);
    expect(spareThreads().length).toBe(THREADS);
    vi.advanceTimersByTime(1);
    await new Promise((r) => setImmediate(r));
    expect(spareThreads().length).toBe(0);
  });
});

describe('an engine', () => {
  it('reads a large CSV on the threads started with the report, and ends those it did not take', async () => {
    const rows = Array.from({ length: 1_100_000 }, (_, i) => `${i % 7},g${i % 3}\n`).join('');
    await writeFile(join(dir, 'data.csv'), `n,g\n${rows}`.padEnd(THREAD_MIN_BYTES, '\n'));
    const engine = createEngine({ cache: false });
    try {
      const tables = await engine.data(
        {
          title: 't',
          datasets: { d: { source: 'csv', path: 'data.csv' } },
          body: [{ table: { data: { from: 'd', groupBy: ['g'], aggregate: { n: { op: 'count' } } } } }],
        },
        { baseDir: dir },
      );
      expect(Object.values(tables)[0]).toEqual([
        { g: 'g0', n: 366_667 },
        { g: 'g1', n: 366_667 },
        { g: 'g2', n: 366_666 },
      ]);
      expect(spareThreads().length).toBe(0);
      // A large file no output reads: its threads wait until the engine closes.
      await engine.data(
        { title: 't', datasets: { d: { source: 'csv', path: 'big.csv' } }, body: [{ text: 'none' }] },
        { baseDir: dir },
      );
      await vi.waitFor(() => expect(spareThreads().length).toBe(THREADS));
    } finally {
      await engine.close();
    }
    expect(spareThreads().length).toBe(0);
  });
});
