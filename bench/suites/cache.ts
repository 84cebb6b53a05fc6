import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { compress, encodeEntry, frameEntry, verifyEntry } from '../../src/cache/codec.js';
import { createDiskStore } from '../../src/cache/disk.js';
import { chartKey } from '../../src/cache/key.js';
import { createMemoryStore } from '../../src/cache/memory.js';
import { cacheDefaults, resolveCacheOptions } from '../../src/cache/options.js';
import { createRedisStore } from '../../src/cache/redis.js';
import type { CacheStore } from '../../src/cache/store.js';
import { TieredCache, type VerifyOptions } from '../../src/cache/tiered.js';
import { renderChartSvg } from '../../src/chart/render.js';
import { svgProblem } from '../../src/chart/sanitize.js';
import type { Frame } from '../../src/frame.js';
import { keyVersions } from '../../src/pipeline/charts.js';
import type { NormalizedChart } from '../../src/spec/defaults.js';
import { exampleCharts } from '../pipeline-jobs.js';
import { median, ms, ratio, row, times } from '../stats.js';

const root = join(import.meta.dirname, '../..');
const example = join(root, 'examples/sales/report.yaml');
const options = resolveCacheOptions();
const pct = (xs: readonly number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)] ?? 0;
const us = (x: number) => `${(x * 1000).toFixed(0)} µs`;
const share = (x: number) => `${(100 * x).toFixed(1)}%`;

interface Sample {
  readonly chart: NormalizedChart;
  readonly frame: Frame;
  readonly svg: string;
  /** Median render time in ms, ECharts already loaded. */
  readonly renderMs: number;
}

/** The example report's charts with their data, one per chart type. */
async function exampleSamples(): Promise<Sample[]> {
  const byType = new Map<string, Sample>();
  for (const { chart, frame } of await exampleCharts()) {
    if (byType.has(chart.type)) continue;
    const svg = renderChartSvg(chart, frame);
    const renderMs = median(await times(15, () => renderChartSvg(chart, frame)));
    byType.set(chart.type, { chart, frame, svg, renderMs });
  }
  return [...byType.values()];
}

/**
 * The cache: hit latency per tier against a render (folder and Redis hits verified, and read
 * with frame checks only for comparison), hit rate under repeats, what compression saves and
 * costs per chart type, and the CLI process cold against warm.
 */
export async function cache(): Promise<void> {
  const samples = await exampleSamples();
  const tmp = mkdtempSync(join(tmpdir(), 'chartpress-bench-'));
  try {
    await hitLatency(samples, tmp);
    await hitRate(samples);
    compression(samples);
    cliColdWarm(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function hitLatency(samples: readonly Sample[], tmp: string): Promise<void> {
  const line = samples.find((s) => s.chart.type === 'line') ?? samples[0]!;
  const key = chartKey(line.chart, line.frame, keyVersions);
  const keyMs = median(await times(200, () => chartKey(line.chart, line.frame, keyVersions)));
  console.log(
    `hit latency: the example's line chart (${Buffer.byteLength(line.svg)} bytes of SVG), ` +
      `1000 hits per tier after 200 to warm up, SVG text out; render ${ms(line.renderMs)} (median of 15)`,
  );
  row('content key (SHA-256 of spec + frame), median', us(keyMs));
  const failed = () => {
    throw new Error('not a hit');
  };
  // Folder and Redis hits are verified (frame, key binding, bounded inflate, SHA-256, SVG check);
  // "frame only" reads the same entries with only the frame checks and the bounded inflate. The
  // two are measured in alternating batches over one store, so that load hits both alike.
  const verified: VerifyOptions = { check: svgProblem };
  const tiers: [string, CacheStore][] = [
    ['memory', createMemoryStore(cacheDefaults.memory, options.clock)],
    ['disk', createDiskStore({ ...cacheDefaults.disk, dir: join(tmp, 'disk') }, options.clock)],
    [
      'redis (127.0.0.1)',
      createRedisStore({ ...cacheDefaults.redis, prefix: `chartpress-bench:${process.pid}:` }, options.clock),
    ],
  ];
  for (const [name, store] of tiers) {
    const views = (store.trusted ? [verified] : [verified, { unverified: true }]).map(
      (verify) => new TieredCache([store], options.compression, options.maxEntryBytes, verify),
    );
    // What a document reads: the SVG text.
    const hits = views.map((tier) => () => tier.fetch(key, failed).then((f) => f.entry.text()));
    try {
      await views[0]!.put(key, Buffer.from(line.svg));
      for (const hit of hits) await hit();
    } catch (e) {
      row(`${name} hit`, `skipped: ${e instanceof Error ? e.message : String(e)}`);
      await store.close();
      continue;
    }
    for (const hit of hits) await times(200, hit);
    const samples = hits.map((): number[] => []);
    for (let round = 0; round < 10; round++)
      for (const [i, hit] of hits.entries()) samples[i]!.push(...(await times(100, hit)));
    // [p50, p99] of the verified reads, then of the frame-only ones.
    const [checked, framed] = samples.map((xs) => [pct(xs, 0.5), pct(xs, 0.99)] as const);
    if (!checked) continue;
    const label = store.trusted ? name : `${name}, verified`;
    row(`${label} hit p50 / p99`, `${us(checked[0])} / ${us(checked[1])}`);
    row(
      `${label}: render / hit p50 (p99)`,
      `${ratio(line.renderMs, checked[0])} (${ratio(line.renderMs, checked[1])})`,
    );
    if (framed) {
      row(`${name}, frame only hit p50 / p99`, `${us(framed[0])} / ${us(framed[1])}`);
      row(
        `${name}: verified / frame-only hit p50`,
        `${ratio(checked[0], framed[0])} (+${us(checked[0] - framed[0])})`,
      );
    }
    await store.clear();
    for (const tier of views) await tier.close();
  }
  const raw = encodeEntry(Buffer.from(line.svg), key, options.compression);
  const verifyMs = median(await times(500, () => verifyEntry(raw, key, options.maxEntryBytes, svgProblem)));
  const frameMs = median(await times(500, () => frameEntry(raw, options.maxEntryBytes).text()));
  const checkMs = median(await times(500, () => svgProblem(line.svg)));
  row(
    'verifyEntry / frame + inflate only / svgProblem alone, median',
    `${us(verifyMs)} / ${us(frameMs)} / ${us(checkMs)}`,
  );
}

async function hitRate(samples: readonly Sample[]): Promise<void> {
  // 20 distinct charts (the example's, at five widths), asked for 100 times: 80 repeats.
  const distinct = Array.from({ length: 20 }, (_, i) => {
    const s = samples[i % samples.length]!;
    const chart = {
      ...s.chart,
      options: { ...s.chart.options, width: 400 + 40 * Math.floor(i / samples.length) },
    };
    return { chart: chart as NormalizedChart, frame: s.frame };
  });
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const requests = [...distinct.keys(), ...Array.from({ length: 80 }, () => Math.floor(random() * 20))];
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [requests[i], requests[j]] = [requests[j]!, requests[i]!];
  }
  const tier = new TieredCache(
    [createMemoryStore(cacheDefaults.memory, options.clock)],
    options.compression,
    options.maxEntryBytes,
  );
  let renders = 0;
  // Ten requests at a time, as concurrent reports would ask.
  for (let i = 0; i < requests.length; i += 10) {
    await Promise.all(
      requests.slice(i, i + 10).map((r) => {
        const { chart, frame } = distinct[r]!;
        return tier.fetch(chartKey(chart, frame, keyVersions), async () => {
          renders++;
          return Buffer.from(renderChartSvg(chart, frame));
        });
      }),
    );
  }
  const s = tier.stats();
  console.log('\nhit rate: 100 requests for 20 distinct charts (80% repeats), 10 at a time, memory tier');
  row('renders', `${renders} (one per distinct chart)`);
  row('served from memory / joined a render under way', `${s.tiers.memory?.hits} / ${s.joined}`);
  row('hit rate (expected: the share of repeats, 80.0%)', share(s.hits / requests.length));
  await tier.close();
}

function compression(samples: readonly Sample[]): void {
  console.log(
    '\ncompression per chart type (example charts): stored / original, time as a share of the render',
  );
  row('type (SVG bytes)', 'gzip-6 size, pack, unpack | brotli-5 size, pack, unpack');
  for (const s of samples) {
    const data = Buffer.from(s.svg);
    const cells = (['gzip', 'brotli'] as const).map((codec) => {
      const level = codec === 'gzip' ? 6 : 5;
      const packed = compress(data, codec, level);
      const unpack = () => (codec === 'gzip' ? zlib.gunzipSync(packed) : zlib.brotliDecompressSync(packed));
      const packMs = median(timesSync(30, () => compress(data, codec, level)));
      const unpackMs = median(timesSync(30, unpack));
      return `${share(packed.byteLength / data.byteLength)}, ${share(packMs / s.renderMs)}, ${share(unpackMs / s.renderMs)}`;
    });
    row(`${s.chart.type} (${data.byteLength})`, cells.join(' | '));
  }
}

function timesSync(n: number, fn: () => unknown): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

function cliColdWarm(tmp: string): void {
  const main = join(root, 'dist/cli/main.js');
  console.log(
    '\nthe CLI process on the example report (node dist/cli/main.js), median of 5 each, interleaved',
  );
  if (!existsSync(main)) {
    row('cold / warm', 'skipped: run `npm run build` first');
    return;
  }
  const run = (dir: string) => {
    const t = performance.now();
    const out = execFileSync(
      process.execPath,
      [main, 'render', example, '-o', join(tmp, 'out.pdf'), '--cache-dir', dir, '--stats', 'json', '--quiet'],
      { encoding: 'utf8' },
    );
    return { ms: performance.now() - t, stats: JSON.parse(out.trim().split('\n').at(-1) ?? '{}') };
  };
  const warmDir = join(tmp, 'warm');
  run(warmDir);
  const cold: ReturnType<typeof run>[] = [];
  const warm: ReturnType<typeof run>[] = [];
  for (let i = 0; i < 5; i++) {
    cold.push(run(join(tmp, `cold-${i}`)));
    warm.push(run(warmDir));
  }
  const [c, w] = [median(cold.map((r) => r.ms)), median(warm.map((r) => r.ms))];
  row('cold process (empty cache folder), charts rendered', `${ms(c)}, ${cold[0]?.stats.charts.rendered}`);
  row('warm process (same folder), charts rendered', `${ms(w)}, ${warm[0]?.stats.charts.rendered}`);
  row('cold / warm', `${ratio(c, w)} (${ms(c)} vs ${ms(w)})`);
  const [cc, wc] = [median(cold.map((r) => r.stats.ms.charts)), median(warm.map((r) => r.stats.ms.charts))];
  row('charts phase (--stats ms.charts): cold / warm', `${ratio(cc, wc)} (${ms(cc)} vs ${ms(wc)})`);
}
