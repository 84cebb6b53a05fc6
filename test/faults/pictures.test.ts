import { afterAll, describe, expect, it } from 'vitest';
import { measureText } from '../../src/chart/metrics.js';
import { svgToPng } from '../../src/chart/png.js';
import { createEngine, type ReportInput } from '../../src/index.js';
import { decodePng } from '../chart/png-pixels.js';

const engine = createEngine({ cache: false });
afterAll(() => engine.close());

/** The SVG of every chart of a report, by id, drawn through the engine. */
async function chartSvgs(
  report: ReportInput,
  params?: Record<string, string>,
): Promise<Record<string, string>> {
  const charts = await engine.charts(report, params ? { params } : {});
  const out: Record<string, string> = {};
  for (const [id, get] of charts) out[id] = (await get()).svg;
  return out;
}

/** A repeatable stream of numbers in [0, 1). */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Share of pixels whose colour differs by more than `tolerance` (of 255) in any channel. */
function pixelDifference(a: Uint8Array, b: Uint8Array, tolerance: number): number {
  const p = decodePng(a);
  const q = decodePng(b);
  expect([q.width, q.height]).toEqual([p.width, p.height]);
  let differ = 0;
  for (let y = 0; y < p.height; y++) {
    for (let x = 0; x < p.width; x++) {
      const u = p.at(x, y);
      const v = q.at(x, y);
      if (u.some((c, i) => Math.abs(c - (v[i] ?? 0)) > tolerance)) differ++;
    }
  }
  return differ / (p.width * p.height);
}

describe('a 10,000-point scatter reduced before drawing', () => {
  const next = random(7);
  const gauss = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const rows = Array.from({ length: 10_000 }, () => ({ x: gauss(), y: gauss() }));
  const scatter = (downsample: boolean) => ({
    type: 'scatter' as const,
    data: { from: 'd' },
    encode: { x: 'x', y: 'y' },
    options: { downsample },
  });
  const report = {
    title: 'Cloud',
    datasets: { d: { source: 'inline', rows } },
    charts: { reduced: scatter(true), full: scatter(false) },
    body: [{ chart: 'reduced' }, { chart: 'full' }],
  } as ReportInput;

  it('draws fewer points, and the same picture as all of them', async () => {
    const svgs = await chartSvgs(report);
    const points = (svg: string) => (svg.match(/<path d="M[^"]*A/g) ?? []).length;
    expect(points(svgs.reduced ?? '')).toBeLessThan(0.8 * points(svgs.full ?? ''));
    const reduced = svgToPng(svgs.reduced ?? '');
    const full = svgToPng(svgs.full ?? '');
    // Anti-aliased edges of points moved by under a pixel differ by a few levels: not seen.
    expect(pixelDifference(reduced, full, 8)).toBeLessThan(0.01);
  });
});

/** Markers seen on a line: circles drawn as one arc path each, at a size above nothing. */
const markers = (svg: string) =>
  [...svg.matchAll(/<path d="M1 0A1 1 0 1 1 1 -0\.1A1 1 0 0 1 1 0" transform="matrix\(([\d.]+),/g)].filter(
    (m) => Number(m[1]) > 0,
  ).length;

describe('markers on a line', () => {
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ t: i, v: Math.sin(i / 30) * 10 + i / 100 }));
  const line = (from: string, options: Record<string, unknown> = {}) => ({
    type: 'line' as const,
    data: { from },
    encode: { x: 't', y: 'v' },
    options: { downsample: false, ...options },
  });
  const report = {
    title: 'Markers',
    datasets: { dense: { source: 'inline', rows: rows(1000) }, sparse: { source: 'inline', rows: rows(12) } },
    charts: {
      dense: line('dense'),
      sparse: line('sparse'),
      denseOn: line('dense', { markers: true }),
      sparseOff: line('sparse', { markers: false }),
      denseLabelled: line('dense', { labels: true }),
    },
    body: ['dense', 'sparse', 'denseOn', 'sparseOff', 'denseLabelled'].map((chart) => ({ chart })),
  } as ReportInput;

  it('are left off a dense line and drawn on a sparse one, unless the options say otherwise', async () => {
    const svgs = await chartSvgs(report);
    expect(markers(svgs.dense ?? '')).toBe(0);
    expect((svgs.dense ?? '').length).toBeLessThan(40_000);
    expect(markers(svgs.sparse ?? '')).toBe(12);
    expect(markers(svgs.denseOn ?? '')).toBe(1000);
    expect(markers(svgs.sparseOff ?? '')).toBe(0);
    // Labels stay on a line drawn without markers.
    expect(markers(svgs.denseLabelled ?? '')).toBe(0);
    expect(labelBoxes(svgs.denseLabelled ?? '').length).toBeGreaterThan(5);
  });
});

/** Legend entries: each name with the colour of its icon. */
function legendColors(svg: string): Record<string, string> {
  const out: Record<string, string> = {};
  const item =
    /<path d="[^"]*" transform="translate\(([^)]*)\)" fill="(#[0-9a-f]{6})"[^>]*>\s*<\/path>\s*<text[^>]*transform="translate\(([^)]*)\)"[^>]*>([^<]*)<\/text>/g;
  for (const m of svg.matchAll(item)) if (m[1] === m[3]) out[m[4] ?? ''] = m[2] ?? '';
  return out;
}

describe('a value keeps its colour', () => {
  const cars = [3, 4, 4, 5, 6, 6, 8, 8, 8].map((cyl, i) => ({
    cyl,
    origin: i % 2 ? 'USA' : 'Europe',
    n: i + 1,
  }));
  const byCyl = (order: 'asc' | 'desc', more: Record<string, unknown> = {}) => ({
    type: 'bar' as const,
    data: {
      from: 'cars',
      groupBy: ['origin', 'cyl'],
      aggregate: { n: { op: 'sum', field: 'n' } },
      sort: [{ field: 'cyl', order }],
      ...more,
    },
    encode: { x: 'origin', y: 'n', series: 'cyl' },
  });
  const report = (extra: Record<string, unknown> = {}): ReportInput =>
    ({
      title: 'Cars',
      params: { min: { type: 'number', default: 0 } },
      datasets: { cars: { source: 'inline', rows: cars } },
      charts: {
        up: byCyl('asc'),
        down: byCyl('desc'),
        pie: {
          type: 'pie',
          data: {
            from: 'cars',
            groupBy: ['cyl'],
            aggregate: { n: { op: 'sum', field: 'n' } },
            sort: [{ field: 'n' }],
          },
          encode: { x: 'cyl', y: 'n' },
        },
        filtered: byCyl('desc', { filter: [{ field: 'cyl', op: 'gte', value: { param: 'min' } }] }),
      },
      body: [{ chart: 'up' }, { chart: 'down' }, { chart: 'pie' }, { chart: 'filtered' }],
      ...extra,
    }) as ReportInput;

  it('across the charts of a report, whatever order the values come in', async () => {
    const svgs = await chartSvgs(report());
    const up = legendColors(svgs.up ?? '');
    expect(Object.keys(up).sort()).toEqual(['3', '4', '5', '6', '8']);
    expect(new Set(Object.values(up)).size).toBe(5);
    expect(legendColors(svgs.down ?? '')).toEqual(up);
    expect(legendColors(svgs.pie ?? '')).toEqual(up);
    expect(legendColors(svgs.filtered ?? '')).toEqual(up);
  });

  it('when a param filters other values out', async () => {
    // The only chart colouring by cyl: its own rows are all the report knows of the values.
    const alone = report({ body: [{ chart: 'filtered' }] });
    (alone.charts as Record<string, { data: { sort: unknown } }>).filtered!.data.sort = [{ field: 'cyl' }];
    const all = legendColors((await chartSvgs(alone)).filtered ?? '');
    const some = legendColors((await chartSvgs(alone, { min: '6' })).filtered ?? '');
    expect(Object.keys(all)).toHaveLength(5);
    expect(Object.keys(some).sort()).toEqual(['6', '8']);
    expect(some).toEqual({ 6: all['6'], 8: all['8'] });
  });

  it('when a param in having filters other values out, or they are calculated', async () => {
    const alone = report({ body: [{ chart: 'filtered' }] });
    const data = (alone.charts as Record<string, { data: Record<string, unknown> }>).filtered!.data;
    delete data.filter;
    data.calculate = { big: 'cyl * 1' };
    data.groupBy = ['origin', 'big'];
    data.having = [{ field: 'big', op: 'gte', value: { param: 'min' } }];
    data.sort = [{ field: 'big' }];
    (alone.charts as Record<string, { encode: Record<string, string> }>).filtered!.encode.series = 'big';
    const all = legendColors((await chartSvgs(alone)).filtered ?? '');
    const some = legendColors((await chartSvgs(alone, { min: '6' })).filtered ?? '');
    expect(Object.keys(all)).toHaveLength(5);
    expect(Object.keys(some).sort()).toEqual(['6', '8']);
    expect(some).toEqual({ 6: all['6'], 8: all['8'] });
  });

  it('as the report pins it, and as a chart pins it for itself', async () => {
    const pinned = report({ colors: { cyl: { 8: '#000000' } } });
    (pinned.charts as Record<string, { options?: unknown }>).down!.options = { colors: { 4: '#ff0000' } };
    const svgs = await chartSvgs(pinned);
    const up = legendColors(svgs.up ?? '');
    const down = legendColors(svgs.down ?? '');
    expect(up['8']).toBe('#000000');
    expect(legendColors(svgs.pie ?? '')['8']).toBe('#000000');
    expect(down['4']).toBe('#ff0000');
    expect(up['4']).not.toBe('#ff0000');
    expect({ ...down, 4: up['4'] }).toEqual(up);
  });

  it('changes the cache key of a chart whose colours change', async () => {
    const keyOf = async (r: ReportInput) => (await (await engine.charts(r)).get('up')?.())?.key;
    const plain = await keyOf(report());
    expect(await keyOf(report())).toBe(plain);
    expect(await keyOf(report({ colors: { cyl: { 8: '#000000' } } }))).not.toBe(plain);
  });

  it('past the palette, each of 20 values in a colour of its own', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({
      k: `v${String(i).padStart(2, '0')}`,
      x: 'a',
      n: i + 1,
    }));
    const svgs = await chartSvgs({
      title: 'Many',
      datasets: { d: { source: 'inline', rows } },
      charts: { many: { type: 'bar', data: { from: 'd' }, encode: { x: 'x', y: 'n', series: 'k' } } },
      body: [{ chart: 'many' }],
    } as ReportInput);
    const colors = legendColors(svgs.many ?? '');
    expect(Object.keys(colors)).toHaveLength(20);
    expect(new Set(Object.values(colors)).size).toBe(20);
  });
});

/** Boxes of the data labels (10.5 px text) of a chart: centre, from the SVG, and measured width. */
function labelBoxes(svg: string, fontSize = 10.5) {
  const text =
    /<text dominant-baseline="central" text-anchor="middle" style="font-size:([\d.]+)px;[^"]*"(?: x="([-\d.]+)")?(?: y="([-\d.]+)")? transform="translate\(([-\d.]+) ([-\d.]+)\)"[^>]*>([^<]*)<\/text>/g;
  return [...svg.matchAll(text)]
    .filter((m) => Number(m[1]) === fontSize)
    .map((m) => {
      const width = measureText(m[6] ?? '', `${fontSize}px Inter`).width;
      const cx = Number(m[4]) + Number(m[2] ?? 0);
      const cy = Number(m[5]) + Number(m[3] ?? 0);
      return {
        left: cx - width / 2,
        right: cx + width / 2,
        top: cy - fontSize / 2,
        bottom: cy + fontSize / 2,
      };
    });
}

describe('labels fit', () => {
  it('line labels keep clear of each other', async () => {
    const rows = ['A', 'B'].flatMap((s, k) =>
      Array.from({ length: 60 }, (_, i) => ({ t: i, v: Math.round(Math.sin(i / 5) * 10 + k * 2), s })),
    );
    const svgs = await chartSvgs({
      title: 'Labels',
      datasets: { d: { source: 'inline', rows } },
      charts: {
        c: {
          type: 'line',
          data: { from: 'd' },
          encode: { x: 't', y: 'v', series: 's' },
          options: { labels: true },
        },
      },
      body: [{ chart: 'c' }],
    } as ReportInput);
    const boxes = labelBoxes(svgs.c ?? '');
    expect(boxes.length).toBeGreaterThan(20);
    const gap = 2;
    for (const [i, a] of boxes.entries()) {
      for (const b of boxes.slice(i + 1)) {
        const apart =
          a.right + gap <= b.left || b.right + gap <= a.left || a.bottom <= b.top || b.bottom <= a.top;
        expect(apart, `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(true);
      }
    }
  });

  it('pie labels are written whole, on two lines or as the amount when narrow', async () => {
    const rows = [
      { c: '4 cyl.', n: 204 },
      { c: '8 cyl.', n: 108 },
      { c: '6 cyl.', n: 84 },
      { c: 'Other (3 & 5 cyl.)', n: 10 },
    ];
    const pie = (width: number, height: number) => ({
      type: 'pie' as const,
      title: 'By cylinders',
      data: { from: 'd' },
      encode: { x: 'c', y: 'n' },
      options: { width, height, legend: 'none' as const },
    });
    const svgs = await chartSvgs({
      title: 'Pies',
      datasets: { d: { source: 'inline', rows } },
      charts: {
        wide: pie(360, 240),
        narrow: pie(240, 180),
        tiny: pie(200, 150),
        // Half the data in one slice: its label sits level with the centre, as wide as can be.
        half: { ...pie(311, 260), data: { from: 'd', filter: [{ field: 'n', op: 'gt', value: 50 }] } },
      },
      body: [{ chart: 'wide' }, { chart: 'narrow' }, { chart: 'tiny' }, { chart: 'half' }],
    } as ReportInput);
    for (const svg of Object.values(svgs)) {
      const labels = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1] ?? '');
      expect(labels.some((l) => l.includes('...') || l.includes('…'))).toBe(false);
      expect(labels).toEqual(expect.arrayContaining([expect.stringContaining('4 cyl.')]));
    }
    for (const id of ['wide', 'narrow', 'tiny']) expect(svgs[id]).toContain('Other (3 &amp; 5 cyl.)');
  });

  it('sparkline dots are drawn whole at the edges', async () => {
    const rows = [1, 3, 8, 2, 7, 10, 4, 3, 6, 5].map((v) => ({ v }));
    const svgs = await chartSvgs({
      title: 'Spark',
      datasets: { d: { source: 'inline', rows } },
      charts: {
        s: {
          type: 'sparkline',
          data: { from: 'd' },
          encode: { y: 'v' },
          options: { showMin: true, showMax: true, width: 120, height: 24 },
        },
      },
      body: [{ chart: 's' }],
    } as ReportInput);
    const svg = svgs.s ?? '';
    const dots = [...svg.matchAll(/transform="matrix\(([\d.]+),0,0,[\d.]+,([-\d.]+),([-\d.]+)\)"/g)].map(
      (m) => ({
        r: Number(m[1]),
        x: Number(m[2]),
        y: Number(m[3]),
      }),
    );
    expect(dots).toHaveLength(3);
    for (const d of dots) {
      expect(d.x - d.r).toBeGreaterThanOrEqual(0);
      expect(d.x + d.r).toBeLessThanOrEqual(120);
      expect(d.y - d.r).toBeGreaterThanOrEqual(0);
      expect(d.y + d.r).toBeLessThanOrEqual(24);
    }
    // No clip path cuts them: they are drawn outside any clipped group.
    const clipped = svg.match(/<g clip-path="[^"]*">[\s\S]*?<\/g>/g) ?? [];
    for (const g of clipped) expect(g).not.toContain('matrix(');
  });
});
