/** The six charts of the peers benchmark: deterministic CSV files and chartpress chart files. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type ChartKind = 'bar' | 'line' | 'pie' | 'scatter' | 'area';

/** What a child needs to draw one chart; `out` is set per cold run. */
export interface ChartJob {
  readonly id: string;
  readonly label: string;
  readonly kind: ChartKind;
  readonly title: string;
  readonly csv: string;
  /** The chartpress chart file. */
  readonly yaml: string;
}

interface Definition {
  readonly id: string;
  readonly label: string;
  readonly kind: ChartKind;
  readonly title: string;
  readonly header: string;
  /** chartpress `encode`, as YAML flow text. */
  readonly encode: string;
  readonly rows: (rand: () => number) => string[];
}

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoSecond = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function walk(n: number, rand: () => number, at: (i: number) => string): string[] {
  let v = 1000;
  return Array.from({ length: n }, (_, i) => {
    v += (rand() - 0.5) * 20 + Math.sin(i / 50);
    return `${at(i)},${v.toFixed(2)}`;
  });
}

const definitions: readonly Definition[] = [
  {
    id: 'bar',
    label: 'bar, 12 bars',
    kind: 'bar',
    title: 'Revenue by month',
    header: 'category,value',
    encode: '{ x: category, y: value }',
    rows: (rand) =>
      ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].map(
        (m) => `${m},${Math.round(100 + rand() * 900)}`,
      ),
  },
  {
    id: 'line-1k',
    label: 'line, 1,000 points',
    kind: 'line',
    title: 'Daily value',
    header: 'date,value',
    encode: '{ x: date, y: value }',
    rows: (rand) => walk(1000, rand, (i) => isoDay(Date.UTC(2020, 0, 1) + i * DAY)),
  },
  {
    id: 'line-100k',
    label: 'line, 100,000 points',
    kind: 'line',
    title: 'Value per minute',
    header: 'date,value',
    encode: '{ x: date, y: value }',
    rows: (rand) => walk(100_000, rand, (i) => isoSecond(Date.UTC(2024, 0, 1) + i * 60_000)),
  },
  {
    id: 'pie',
    label: 'pie, 6 slices',
    kind: 'pie',
    title: 'Revenue by channel',
    header: 'category,value',
    encode: '{ x: category, y: value }',
    rows: (rand) =>
      ['Direct', 'Partner', 'Online', 'Retail', 'Wholesale', 'Marketplace'].map(
        (c) => `${c},${Math.round(50 + rand() * 500)}`,
      ),
  },
  {
    id: 'scatter-10k',
    label: 'scatter, 10,000 points',
    kind: 'scatter',
    title: 'Size vs revenue',
    header: 'x,y',
    encode: '{ x: x, y: y }',
    rows: (rand) =>
      Array.from({ length: 10_000 }, () => {
        const x = rand() * 100;
        return `${x.toFixed(2)},${(x * 2 + (rand() - 0.5) * 60).toFixed(2)}`;
      }),
  },
  {
    id: 'area',
    label: 'stacked area, 3 x 200',
    kind: 'area',
    title: 'Revenue by region',
    header: 'date,series,value',
    encode: '{ x: date, y: value, series: series }',
    rows: (rand) =>
      Array.from({ length: 200 }, (_, i) =>
        ['North', 'South', 'West'].map(
          (s, k) =>
            `${isoDay(Date.UTC(2023, 0, 1) + i * DAY)},${s},${(100 + k * 50 + rand() * 80).toFixed(2)}`,
        ),
      ).flat(),
  },
];

/**
 * Writes each chart's CSV (fixed seed: the same bytes every run) and its chartpress chart file
 * (600 x 400, chartpress's defaults otherwise) into `dir`.
 */
export function writeCharts(dir: string): ChartJob[] {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  return definitions.map((d) => {
    const csv = join(dir, `${d.id}.csv`);
    const yaml = join(dir, `${d.id}.yaml`);
    writeFileSync(csv, `${d.header}\n${d.rows(rand).join('\n')}\n`);
    writeFileSync(
      yaml,
      `type: ${d.kind}\ntitle: ${d.title}\ndata: {}\nencode: ${d.encode}\noptions: { width: 600, height: 400 }\n`,
    );
    return { id: d.id, label: d.label, kind: d.kind, title: d.title, csv, yaml };
  });
}
