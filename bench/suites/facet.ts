import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderChartSvg } from '../../src/chart/render.js';
import { type Frame, frameFromRows, type Row } from '../../src/frame.js';
import { createEngine } from '../../src/index.js';
import type { NormalizedChart } from '../../src/spec/defaults.js';
import { normalizeChart } from '../../src/spec/normalize.js';
import { BENCH_DIR } from '../gen.js';
import { median, ms, row } from '../stats.js';

const REGIONS = ['EMEA', 'Americas', 'APAC', 'LatAm', 'Nordics', 'Iberia'];
const CHANNELS = ['Online', 'Direct', 'Partner'];
const ROUNDS = 15;

/** Monthly revenue by region and channel: 6 regions x 12 months x 3 channels. */
function rows(): Row[] {
  const out: Row[] = [];
  REGIONS.forEach((region, r) => {
    for (let m = 0; m < 12; m++) {
      CHANNELS.forEach((channel, c) => {
        const month = `2025-${String(m + 1).padStart(2, '0')}-01`;
        out.push({ region, month, channel, revenue: 1000 + r * 300 + c * 120 + ((m * 7919 + c) % 400) });
      });
    }
  });
  return out;
}

const CHART = `    type: bar
    data: { from: sales, groupBy: [month, channel], aggregate: { revenue: { op: sum, field: revenue } }, sort: [month] }
    encode: { x: month, y: revenue, series: channel }`;

/** A report with one 6-panel faceted chart, and one with six charts, one per region. */
function reports(): { facet: string; six: string } {
  const dir = join(BENCH_DIR, 'facet');
  mkdirSync(dir, { recursive: true });
  const csv = ['region,month,channel,revenue', ...rows().map((r) => Object.values(r).join(','))].join('\n');
  writeFileSync(join(dir, 'sales.csv'), `${csv}\n`);
  const head = 'title: Facets\ndatasets:\n  sales: { source: csv, path: sales.csv }\ncharts:\n';
  const facet = join(dir, 'facet.yaml');
  writeFileSync(
    facet,
    `${head}  all:\n${CHART}\n    facet: { field: region, columns: 3 }\n    options: { height: 620 }\nbody:\n  - chart: all\n`,
  );
  const six = join(dir, 'six.yaml');
  const charts = REGIONS.map(
    (region) =>
      `  c_${region}:\n${CHART.replace('{ from: sales,', `{ from: sales, filter: [{ field: region, value: ${region} }],`)}\n    options: { width: 200, height: 290 }\n`,
  ).join('');
  writeFileSync(six, `${head}${charts}body:\n${REGIONS.map((r) => `  - chart: c_${r}\n`).join('')}`);
  return { facet, six };
}

/** Wall time (ms) of each function in each of `rounds` interleaved rounds. */
async function interleaved(rounds: number, fns: readonly (() => unknown)[]): Promise<number[][]> {
  const wall = fns.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    for (const [i, fn] of fns.entries()) {
      const t = performance.now();
      await fn();
      wall[i]?.push(performance.now() - t);
    }
  }
  return wall;
}

const pairedRatio = (a: readonly number[], b: readonly number[]) => median(a.map((x, i) => x / (b[i] ?? x)));

/**
 * Small multiples against separate charts: a report with one 6-panel faceted bar chart against
 * one with six bar charts (one per region, each filtering its dataset), rendered to HTML without
 * a cache, and the drawing alone: `renderChartSvg` of the faceted chart against six calls.
 */
export async function facet(): Promise<void> {
  const { facet: facetFile, six: sixFile } = reports();
  const engine = createEngine({ cache: false });
  try {
    const whole = () => engine.render(facetFile, { format: 'html' });
    const apart = () => engine.render(sixFile, { format: 'html' });
    const all = frameFromRows(rows());
    const base = {
      type: 'bar',
      data: { from: 'sales' },
      encode: { x: 'month', y: 'revenue', series: 'channel' },
    } as const;
    const faceted: NormalizedChart = normalizeChart('all', {
      ...base,
      facet: { field: 'region', columns: 3 },
      options: { height: 620 },
    });
    const single = normalizeChart('one', { ...base, options: { width: 200, height: 290 } });
    const frames: Frame[] = REGIONS.map((region) => frameFromRows(rows().filter((r) => r.region === region)));
    const drawFacet = () => renderChartSvg(faceted, all);
    const drawSix = () => {
      for (const f of frames) renderChartSvg(single, f);
    };
    for (let i = 0; i < 3; i++) {
      await whole();
      await apart();
      drawFacet();
      drawSix();
    }
    const [w, a, df, ds] = await interleaved(ROUNDS, [whole, apart, drawFacet, drawSix]);
    console.log(`one 6-panel faceted bar chart against 6 bar charts (${ROUNDS} interleaved rounds, medians)`);
    row(
      'report to HTML, no cache: facet / six charts',
      `${pairedRatio(w ?? [], a ?? []).toFixed(2)}x (${ms(median(w ?? []))} vs ${ms(median(a ?? []))})`,
    );
    row(
      'renderChartSvg: facet / six calls',
      `${pairedRatio(df ?? [], ds ?? []).toFixed(2)}x (${ms(median(df ?? []))} vs ${ms(median(ds ?? []))})`,
    );
    row(
      'SVG bytes: facet / six charts',
      `${drawFacet().length} vs ${frames.reduce((n, f) => n + renderChartSvg(single, f).length, 0)}`,
    );
  } finally {
    await engine.close();
  }
}
