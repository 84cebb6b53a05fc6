import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_RENDERER_VERSION } from '../../src/chart/render.js';
import { compilePdf } from '../../src/document/pdf.js';
import { writeTypst } from '../../src/document/typst.js';
import { createCache, createEngine, type RenderStats } from '../../src/index.js';
import { keyVersions } from '../../src/pipeline/charts.js';
import { chartOf } from '../../src/pipeline/drawn.js';
import { pdfText } from '../helpers/pdf.js';
import { tracedRun } from '../helpers/trace.js';
import { cacheReport } from './fixture.js';
import { svgOf } from './store-suite.js';

const { dir, report, write } = cacheReport();
const _root = join(import.meta.dirname, '../..');

describe('charts from the cache', () => {
  it('come back on the next render, in every format, the same as when rendered', async () => {
    const engine = createEngine();
    const cold = { pdf: await engine.render(report), html: await engine.render(report, { format: 'html' }) };
    expect(cold.pdf.stats.charts).toMatchObject({ total: 5, rendered: 5, cached: 0 });
    expect(cold.pdf.stats.cache).toMatchObject({ hits: 0, misses: 4 });
    expect(cold.html.stats.charts).toMatchObject({ rendered: 0, cached: 5 });

    const warm = await engine.render(report);
    expect(warm.charts.map((c) => c.status)).toEqual(Array(5).fill('cached'));
    expect(warm.stats.cache).toEqual({ hits: 4, misses: 0, bytes: cold.pdf.stats.cache.bytes });
    expect(await pdfText(warm.output as Uint8Array)).toBe(await pdfText(cold.pdf.output as Uint8Array));
    expect(warm.charts.map((c) => c.bytes)).toEqual(cold.pdf.charts.map((c) => c.bytes));

    const fresh = createEngine({ cache: false });
    const html = await fresh.render(report, { format: 'html' });
    // The same page but for each figure's status.
    expect((cold.html.output as string).replaceAll('data-status="cached"', 'data-status="rendered"')).toBe(
      html.output,
    );
    const typ = await engine.render(report, { format: 'typ' });
    for (const bytes of typ.files.values()) expect(Buffer.from(bytes).subarray(0, 4).toString()).toBe('<svg');
    expect(engine.cacheStats()).toMatchObject({ hits: 12, misses: 4 });
    await engine.close();
    await fresh.close();
  });

  it('are drawn once per key in a report, however many charts share it', async () => {
    const engine = createEngine();
    const result = await engine.render(report, { format: 'typ' });
    const trend = result.charts.find((c) => c.id === 'trend');
    const again = result.charts.find((c) => c.id === 'trend_again');
    expect(again?.key).toBe(trend?.key);
    expect(again?.ms).toBe(0);
    expect(result.stats.cache.misses).toBe(4);
    expect(result.files.size).toBe(4);
    await engine.close();
  });

  it('never include a failure', async () => {
    const bad = write(
      'bad.yaml',
      `title: T\ndatasets:\n  sales: { source: csv, path: data/sales.csv }\ncharts:\n  bad:\n    type: bar\n    data: { from: sales }\n    encode: { x: region, y: amount }\n    options: { echarts: { series: [{ type: nosuchseries }] } }\n  good:\n    type: bar\n    data: { from: sales }\n    encode: { x: region, y: amount }\nbody:\n  - chart: bad\n  - chart: good\n`,
    );
    const engine = createEngine();
    for (const status of ['rendered', 'cached']) {
      const result = await engine.render(bad, { format: 'html' });
      expect(result.charts.map((c) => [c.id, c.status])).toEqual([
        ['bad', 'failed'],
        ['good', status],
      ]);
    }
    expect(engine.cacheStats()?.tiers.memory?.entries).toBe(1);
    await engine.close();
  });

  it('are not kept with `cache: false`; a cache passed in outlives the engine', async () => {
    const none = createEngine({ cache: false });
    await none.render(report, { format: 'typ' });
    expect((await none.render(report, { format: 'typ' })).stats.charts.rendered).toBe(5);
    expect(none.cacheStats()).toBeUndefined();
    await none.close();

    const shared = createCache();
    const one = createEngine({ cache: shared });
    await one.render(report, { format: 'typ' });
    await one.close();
    const two = createEngine({ cache: shared });
    expect((await two.render(report, { format: 'typ' })).stats.charts.cached).toBe(5);
    await two.close();
    await shared.close();
  });

  it('are keyed by the renderer version without loading the renderer', async () => {
    // A process per run, through the library, with every module it resolves written to a trace.
    const cacheDir = join(dir, 'library-cache');
    const run = async (name: string) => {
      const trace = join(dir, `${name}.trace`);
      const { stdout, modules } = await tracedRun(
        'test/cache/fixtures/render-library.ts',
        [report, cacheDir],
        trace,
      );
      const out = JSON.parse(stdout) as { stats: RenderStats; renderer: string };
      const echarts = modules.filter((m) => m.includes('/node_modules/echarts/'));
      return { ...out, echarts };
    };
    const cold = await run('cold');
    expect(cold.stats.charts).toMatchObject({ rendered: 5, cached: 0 });
    expect(cold.echarts.length).toBeGreaterThan(0);
    const warm = await run('warm');
    expect(warm.stats.charts).toMatchObject({ rendered: 0, cached: 5 });
    expect(warm.echarts).toEqual([]);
    // The version the keys name is the one that draws, though the warm run never loaded it.
    expect(warm.renderer).toBe(CHART_RENDERER_VERSION);
    expect(cold.renderer).toBe(CHART_RENDERER_VERSION);
    expect(keyVersions.renderer).toBe(CHART_RENDERER_VERSION);
  });
});

describe('a compressed entry', () => {
  it('reaches Typst inflated, as SVG, never as gzip', async () => {
    const svg = svgOf(20_000).replace('<svg ', '<svg viewBox="0 0 600 400" ');
    const cache = createCache();
    expect((await cache.put('k'.repeat(64), Buffer.from(svg))).codec).toBe('gzip');
    const { entry, from } = await cache.fetch('k'.repeat(64), () => {
      throw new Error('not cached');
    });
    expect(from).toBe('memory');
    const use = { id: 'c', path: 'charts.c', chart: { type: 'line', options: { width: 600, height: 400 } } };
    const chart = chartOf(use as never, 'k'.repeat(64), { status: 'cached', entry }, 0);
    const doc = writeTypst({
      title: 'T',
      page: { size: 'a4', orientation: 'portrait' },
      blocks: [{ kind: 'chart', use: { id: 'c' } } as never],
      charts: new Map([['c', chart]]),
      tables: new Map(),
    });
    expect([...doc.files.values()].map((b) => Buffer.from(b).toString())).toEqual([svg]);
    expect(Buffer.from(compilePdf(doc).subarray(0, 5)).toString()).toBe('%PDF-');
    await cache.close();
  });
});
