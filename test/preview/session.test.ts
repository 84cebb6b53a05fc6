import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type PreviewEvent, PreviewSession } from '../../src/preview/session.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const outside = tempDir();
tmp.write(
  'data/sales.csv',
  'month,region,amount\n2025-01-01,EU,10\n2025-02-01,EU,12\n2025-01-01,US,20\n2025-02-01,US,18\n',
);
tmp.write('data/stores.csv', 'store,size\nA,100\nB,250\n');
const REPORT = `title: Session
params:
  region: { type: string, values: [EU, US] }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
charts:
  trend:
    type: line
    data: { from: sales, filter: [{ field: region, value: { param: region } }], groupBy: [{ field: month, bucket: month }], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: month, y: total }
    options: { height: 200 }
  split:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
    options: { height: 200 }
  sizes:
    type: bar
    data: { from: stores }
    encode: { x: store, y: size }
    options: { height: 200 }
body:
  - heading: Overview
  - text: First words.
  - chart: trend
  - chart: split
  - chart: sizes
`;
const report = tmp.write('report.yaml', REPORT);
const edit = (from: string, to: string) =>
  writeFileSync(report, readFileSync(report, 'utf8').replace(from, to));

const session = new PreviewSession(report, { pool: { threads: 1 } });
const events: PreviewEvent[] = [];
session.subscribe((e) => events.push(e));
afterAll(() => session.close());

describe('PreviewSession', () => {
  it('renders the report into blocks with ids and hashes', async () => {
    await session.refresh();
    const good = session.good!;
    expect(good.title).toBe('Session');
    expect(good.blocks.map((b) => [b.id, b.kind])).toEqual([
      ['b0', 'heading'],
      ['b1', 'text'],
      ['b2', 'chart'],
      ['b3', 'chart'],
      ['b4', 'chart'],
    ]);
    expect(good.blocks[0]!.sticky).toBe(true);
    expect(good.blocks[2]!.html).toMatch(/^<figure data-chart="trend"[^>]*><svg/);
    expect(good.page.widthPt).toBeCloseTo(595.28);
    expect(good.stats.charts).toEqual({ rendered: 3, cached: 0, failed: 0 });
    expect([...good.stats.datasets.scanned].sort()).toEqual(['sales', 'stores']);
    expect(good.stats.ms.total).toBeGreaterThan(0);
    expect(good.params).toEqual([
      expect.objectContaining({ name: 'region', type: 'string', values: ['EU', 'US'], value: null }),
    ]);
    expect(session.inputs).toEqual([
      report,
      join(tmp.dir, 'data/sales.csv'),
      join(tmp.dir, 'data/stores.csv'),
    ]);
  });

  it('re-renders no chart and reads no data for an edit to the text', async () => {
    const before = session.good!;
    edit('First words.', 'Second words.');
    await session.refresh();
    const after = session.good!;
    expect(after.stats.charts).toEqual({ rendered: 0, cached: 3, failed: 0 });
    expect(after.stats.datasets).toEqual({
      scanned: [],
      reused: expect.arrayContaining(['sales', 'stores']),
    });
    expect(after.stats.blocks).toEqual({ total: 5, changed: 1 });
    expect(after.blocks.map((b) => b.hash === before.blocks[Number(b.id.slice(1))]!.hash)).toEqual([
      true,
      false,
      true,
      true,
      true,
    ]);
  });

  it('re-renders only the chart whose options changed', async () => {
    edit(
      '    encode: { x: region, y: total }\n    options: { height: 200 }',
      '    encode: { x: region, y: total }\n    options: { height: 220 }',
    );
    await session.refresh();
    const { stats } = session.good!;
    expect(stats.charts).toEqual({ rendered: 1, cached: 2, failed: 0 });
    expect(stats.datasets.scanned).toEqual([]);
    expect(stats.blocks.changed).toBe(1);
  });

  it('rescans only the dataset whose file changed, and redraws only its charts', async () => {
    tmp.write('data/stores.new', 'store,size\nA,100\nB,250\nC,90\n');
    renameSync(join(tmp.dir, 'data/stores.new'), join(tmp.dir, 'data/stores.csv'));
    await session.refresh();
    const { stats } = session.good!;
    expect(stats.datasets.scanned).toEqual(['stores']);
    expect(stats.datasets.reused).toEqual(['sales']);
    expect(stats.charts).toEqual({ rendered: 1, cached: 2, failed: 0 });
  });

  it('keeps the last good render through a half-written save, and recovers on the next', async () => {
    const good = session.good!;
    const text = readFileSync(report, 'utf8');
    writeFileSync(report, text.slice(0, text.indexOf('charts:') + 30)); // cut inside a mapping
    await session.refresh();
    expect(session.good).toBe(good);
    const failed = session.failed!;
    expect(failed.problems.length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'failed' });

    writeFileSync(report, text.replace('options: { height: 220 }', 'options: { height: 220, colour: red }'));
    await session.refresh();
    expect(session.failed?.problems).toEqual([
      expect.objectContaining({
        code: 'CP_ERR_UNKNOWN_FIELD',
        path: 'charts.split.options.colour',
        file: report,
        hint: expect.any(String),
      }),
    ]);
    writeFileSync(report, text);
    await session.refresh();
    expect(session.failed).toBeUndefined();
    expect(session.good!.version).toBeGreaterThan(good.version);
    expect(session.good!.stats.charts.rendered).toBe(0);
  });

  it('says a deleted report is not found, and renders it when it is back', async () => {
    const text = readFileSync(report, 'utf8');
    unlinkSync(report);
    await session.refresh();
    expect(session.failed?.problems[0]?.code).toBe('CP_ERR_FILE_NOT_FOUND');
    writeFileSync(report, text);
    await session.refresh();
    expect(session.failed).toBeUndefined();
  });

  it('renders with a param from the form, and drops one the report does not declare', async () => {
    const all = session.good!.blocks[2]!.hash;
    await session.setParams({ region: 'EU' });
    const eu = session.good!;
    expect(eu.params[0]!.value).toBe('EU');
    expect(eu.blocks[2]!.hash).not.toBe(all);
    expect(eu.stats.charts.rendered).toBe(1);
    expect(eu.stats.datasets.scanned).toEqual(['sales']);

    await session.setParams({ region: 'Mars' });
    expect(session.failed?.problems[0]).toMatchObject({ code: 'CP_ERR_PARAM_TYPE', path: 'params.region' });
    await session.setParams({ region: null, regoin: 'EU' });
    expect(session.failed).toBeUndefined();
    expect(session.good!.notices).toEqual(['param "regoin" is not declared by the report: ignored']);
    expect(session.good!.blocks[2]!.hash).toBe(all);
    expect(session.params).toEqual({});
  });

  it('renders a burst of saves twice at most, never two at once', async () => {
    let running = 0;
    let overlap = 0;
    let renders = 0;
    const stop = session.subscribe((e) => {
      if (e.type === 'rendering') {
        renders++;
        running++;
        overlap = Math.max(overlap, running);
      } else running--;
    });
    const all: Promise<void>[] = [];
    const text = readFileSync(report, 'utf8');
    for (let i = 0; i < 20; i++) {
      writeFileSync(report, text.replace('Second words.', `Save ${i}.`));
      all.push(session.refresh());
    }
    await Promise.all(all);
    stop();
    expect(renders).toBeLessThanOrEqual(2);
    expect(overlap).toBe(1);
    expect(session.good!.blocks[1]!.html).toContain('Save 19.');
  });

  it('draws a failed chart as its placeholder, and reads no file outside its roots', async () => {
    outside.write('secret.csv', 'store,size\nX,1\n');
    const file = tmp.write(
      'roots/report.yaml',
      `title: Roots
datasets:
  mine: { source: csv, path: ../data/stores.csv }
  theirs: { source: csv, path: ${join(outside.dir, 'secret.csv')} }
charts:
  typo: { type: bar, data: { from: mine }, encode: { x: store, y: sise } }
  secret: { type: bar, data: { from: theirs }, encode: { x: store, y: size } }
body:
  - chart: typo
  - chart: secret
`,
    );
    const own = new PreviewSession(file, { pool: { threads: 1 }, roots: [tmp.dir] });
    try {
      await own.refresh();
      const good = own.good!;
      expect(good.stats.charts).toEqual({ rendered: 0, cached: 0, failed: 2 });
      expect(good.problems.map((p) => p.code).sort()).toEqual([
        'CP_ERR_PATH_DENIED',
        'CP_ERR_UNKNOWN_COLUMN',
      ]);
      expect(good.blocks[0]!.html).toContain('data-status="failed"');
      expect(good.blocks[1]!.html).toContain('CP_ERR_PATH_DENIED');
    } finally {
      await own.close();
    }
    const elsewhere = new PreviewSession(file, { roots: [outside.dir] });
    try {
      await elsewhere.refresh();
      expect(elsewhere.failed?.problems[0]?.code).toBe('CP_ERR_PATH_DENIED');
    } finally {
      await elsewhere.close();
    }
  });

  it('makes the PDF of what is shown', async () => {
    const pdf = await session.pdf();
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe('%PDF-');
  });
});
