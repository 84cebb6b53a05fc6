import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import type { ProgressEvent } from '../../src/pipeline/progress.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\nEU,5\n');
const bar = (from: string, title?: string) =>
  `    type: bar\n${title ? `    title: ${title}\n` : ''}    data: { from: ${from}, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }\n    encode: { x: region, y: total }\n`;

// `missing` names a file that does not exist: reading it would fail the report.
const report = tmp.write(
  'report.yaml',
  `title: Lazy
params:
  detail: { type: boolean, default: false }
datasets:
  sales: { source: csv, path: data/sales.csv }
  missing: { source: csv, path: data/nope.csv }
charts:
  shown:
${bar('sales')}  hidden:
${bar('missing')}  unplaced:
${bar('missing', 'Never placed')}body:
  - chart: shown
  - when: detail
    then: [{ chart: hidden }]
`,
);

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

function recorder() {
  const events: ProgressEvent[] = [];
  return { events, onProgress: (e: ProgressEvent) => events.push(e) };
}

describe('a `when` that is false', () => {
  it('renders none of its charts and opens none of their datasets', async () => {
    const { events, onProgress } = recorder();
    const result = await engine.render(report, { format: 'html', onProgress });
    expect(result.problems).toEqual([]);
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([
      ['shown', 'rendered'],
      ['hidden', 'skipped'],
      ['unplaced', 'skipped'],
    ]);
    expect(result.stats.charts).toMatchObject({ total: 3, rendered: 1, skipped: 2 });
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(['shown']));
  });

  it('would have read the dataset had it held', async () => {
    const result = await engine.render(report, { format: 'html', params: { detail: true } });
    expect(result.problems.map((p) => p.code)).toEqual(['CP_ERR_FILE_NOT_FOUND']);
    expect(result.charts.find((c) => c.id === 'hidden')?.status).toBe('failed');
  });
});

describe('engine.charts', () => {
  it('draws only what is pulled, once however often, and reads only its dataset', async () => {
    const { events, onProgress } = recorder();
    const charts = await engine.charts(report, { params: { detail: true }, onProgress });
    expect([...charts.keys()]).toEqual(['shown', 'hidden']);
    expect(events).toEqual([]);
    const get = charts.get('shown')!;
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(a).toMatchObject({ id: 'shown', status: 'rendered' });
    expect(a.svg).toContain('<svg');
    // One queued, one started, one done: drawn once. `hidden` (missing file) was never read.
    expect(events.map((e) => e.kind)).toEqual(['queued', 'started', 'done']);
    const hidden = await charts.get('hidden')!();
    expect(hidden.error?.code).toBe('CP_ERR_FILE_NOT_FOUND');
  });
});

describe('charts with the same key', () => {
  const many = tmp.write(
    'many.yaml',
    `title: Twenty\ndatasets:\n  sales: { source: csv, path: data/sales.csv }\ncharts:\n${Array.from(
      { length: 20 },
      (_, i) => `  c${i}:\n${bar('sales', 'Same')}`,
    ).join('')}body:\n${Array.from({ length: 20 }, (_, i) => `  - chart: c${i}\n`).join('')}`,
  );

  it('render once and are embedded once', async () => {
    const { events, onProgress } = recorder();
    const typ = await engine.render(many, { format: 'typ', onProgress });
    expect(events.filter((e) => e.kind === 'queued')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'done')).toHaveLength(20);
    expect(typ.stats.charts).toMatchObject({ total: 20, rendered: 20 });
    expect(typ.stats.cache.misses).toBe(1);
    expect(typ.files.size).toBe(1);

    const html = (await engine.render(many, { format: 'html' })).output as string;
    expect(html.match(/<svg id="/g)).toHaveLength(1);
    expect(html.match(/<use href="#c0-chart" width="600" height="400"\/>/g)).toHaveLength(19);
  });
});

describe('progress events', () => {
  it('come as queued, started, done per chart, with the count of charts done', async () => {
    const { events, onProgress } = recorder();
    const result = await engine.render(report, { format: 'typ', onProgress });
    expect(events.map((e) => e.kind)).toEqual(['queued', 'started', 'done']);
    expect(events[1]).toMatchObject({ kind: 'started', id: 'shown', place: 'process' });
    expect(events[2]).toMatchObject({ kind: 'done', status: 'rendered', done: 1, total: 1 });
    expect(events[2]?.key).toBe(result.charts[0]?.key);
  });
});
