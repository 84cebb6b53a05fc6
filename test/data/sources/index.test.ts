import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchRows, type ColumnBatch } from '../../../src/data/batch.js';
import { runQueries } from '../../../src/data/scan.js';
import { openSource } from '../../../src/data/sources/index.js';
import { FileRoots } from '../../../src/data/sources/roots.js';
import { ChartpressError } from '../../../src/errors.js';
import { frameToRows, type Row } from '../../../src/frame.js';
import type { Query } from '../../../src/spec/schema.js';
import { rng } from '../helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'chartpress-open-'));
  await mkdir(join(dir, 'data'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(source: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of source) rows.push(row);
  return rows;
}

describe('openSource', () => {
  it('resolves a CSV path against the report folder', async () => {
    await writeFile(join(dir, 'data', 'small.csv'), 'a;b\n1;x\n');
    const source = openSource(
      'small',
      { source: 'csv', path: 'data/small.csv', delimiter: ';' },
      { baseDir: dir },
    );
    expect(await collect(source)).toEqual([{ a: 1, b: 'x' }]);
  });

  it('opens inline rows', async () => {
    const source = openSource('t', { source: 'inline', rows: [{ a: 1 }, { b: 2 }] }, { baseDir: dir });
    expect(await collect(source)).toEqual([
      { a: 1, b: null },
      { a: null, b: 2 },
    ]);
  });

  it('opens NDJSON and JSON files with declared columns, as sparse sources', async () => {
    await writeFile(join(dir, 'data', 'e.ndjson'), '{"a": "1"}\n{"b": 2}\n');
    await writeFile(join(dir, 'data', 'e.json'), '[{"a": "1"}, {"b": 2}]');
    for (const source of ['ndjson', 'json'] as const) {
      const rows = openSource(
        'e',
        { source, path: `data/e.${source}`, columns: { a: 'number' } },
        { baseDir: dir },
      );
      expect(rows.sparse).toBe(true);
      expect(await collect(rows)).toEqual([{ a: 1 }, { b: 2 }]);
    }
    const size = openSource('e', { source: 'json', path: 'data/e.json' }, { baseDir: dir, maxBytes: 3 });
    await expect(collect(size)).rejects.toMatchObject({ code: 'CP_ERR_FILE_TOO_LARGE' });
  });

  it('names the dataset path field and the resolved path when the file is missing', async () => {
    const file = join(dir, 'report.yaml');
    const source = openSource('sales', { source: 'csv', path: 'data/sales.csv' }, { baseDir: dir, file });
    const err = await collect(source).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChartpressError);
    const p = (err as ChartpressError).problems[0];
    expect(p).toMatchObject({ code: 'CP_ERR_FILE_NOT_FOUND', path: 'datasets.sales.path', file });
    expect(p?.message).toContain(join(dir, 'data', 'sales.csv'));
  });

  it('passes the size limit on', async () => {
    await writeFile(join(dir, 'data', 'big.csv'), 'a\n1\n2\n3\n');
    const source = openSource('big', { source: 'csv', path: 'data/big.csv' }, { baseDir: dir, maxBytes: 4 });
    await expect(collect(source)).rejects.toMatchObject({ code: 'CP_ERR_FILE_TOO_LARGE' });
  });

  it('feeds a CSV file to several queries, matching a plain-loop reference', async () => {
    const rand = rng(42);
    const regions = ['North', 'South', 'East'];
    const lines = ['date,region,"Cost Total $",qty'];
    const data: { date: string; region: string; cost: number | null; qty: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const t =
        Date.UTC(2023, 0, 1) + Math.floor(rand() * 730) * 86_400_000 + Math.floor(rand() * 24) * 3_600_000;
      const date = new Date(t).toISOString().replace('.000Z', 'Z');
      const region = regions[Math.floor(rand() * 3)]!;
      const cost = rand() < 0.05 ? null : Math.round(rand() * 10_000) / 100;
      const qty = Math.floor(rand() * 20);
      data.push({ date, region, cost, qty });
      lines.push(`${date},${region},${cost ?? ''},${qty}`);
    }
    await writeFile(join(dir, 'data', 'sales.csv'), `${lines.join('\r\n')}\r\n`);
    const queries = new Map<string, Query>([
      [
        'quarterly',
        {
          from: 'sales',
          filter: [{ field: 'region', op: 'in', value: [{ param: 'r1' }, 'East'] }],
          groupBy: [{ field: 'date', bucket: 'quarter', as: 'q' }],
          aggregate: { cost: { op: 'sum', field: 'Cost Total $' }, maxQty: { op: 'max', field: 'qty' } },
          sort: [{ field: 'q', order: 'asc' }],
        },
      ],
      ['top', { from: 'sales', sort: [{ field: 'Cost Total $', order: 'desc' }], limit: 3 }],
    ]);
    const source = openSource('sales', { source: 'csv', path: 'data/sales.csv' }, { baseDir: dir });
    const frames = await runQueries(source, queries, { r1: 'North' }, { dataset: 'sales' });

    const byQuarter = new Map<string, { cost: number; maxQty: number }>();
    for (const d of data) {
      if (d.region !== 'North' && d.region !== 'East') continue;
      const month = Number(d.date.slice(5, 7));
      const q = `${d.date.slice(0, 4)}-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
      const acc = byQuarter.get(q) ?? { cost: 0, maxQty: -1 };
      if (d.cost !== null) acc.cost += d.cost;
      acc.maxQty = Math.max(acc.maxQty, d.qty);
      byQuarter.set(q, acc);
    }
    const expected = [...byQuarter.keys()].sort().map((q) => ({ q, ...byQuarter.get(q)! }));
    expect(expected).toHaveLength(8);
    const got = frameToRows(frames.get('quarterly')!);
    expect(got.map((r) => [r.q, r.maxQty])).toEqual(expected.map((e) => [e.q, e.maxQty]));
    for (const [i, r] of got.entries()) expect(r.cost).toBeCloseTo(expected[i]!.cost, 6);

    const costs = data.map((d) => d.cost).filter((c): c is number => c !== null);
    const top3 = costs.sort((a, b) => b - a).slice(0, 3);
    expect(frames.get('top')!.columns['Cost Total $']).toEqual(Float64Array.from(top3));
    expect(frames.get('top')!.fields).toEqual(['date', 'region', 'Cost Total $', 'qty']);
  });

  it('runs queries on an NDJSON file whose column names have spaces and symbols', async () => {
    const rand = rng(8);
    const lines: string[] = [];
    const data: { city: string; cost: number | null; when: string }[] = [];
    for (let i = 0; i < 3000; i++) {
      const city = ['Saint-Étienne', 'Aix en Provence', 'Nice'][Math.floor(rand() * 3)]!;
      const cost = rand() < 0.1 ? null : Math.round(rand() * 1000) / 10;
      const when = `2024/${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}/15 10:00:00`;
      data.push({ city, cost, when });
      lines.push(
        JSON.stringify({ 'City Name': city, 'Cost Total $': cost, 'When (local)': when, extra: { i } }),
      );
    }
    await writeFile(join(dir, 'data', 'costs.ndjson'), lines.join('\n'));
    const queries = new Map<string, Query>([
      [
        'wide',
        {
          from: 'costs',
          filter: [
            { field: 'Cost Total $', op: 'notNull' },
            { field: 'City Name', op: 'contains', value: 'e' },
          ],
          groupBy: [{ field: 'When (local)', bucket: 'quarter', as: 'Quarter #' }, 'City Name'],
          aggregate: { 'Total $': { op: 'sum', field: 'Cost Total $' } },
          sort: ['Quarter #', 'City Name'],
          pivot: { on: 'City Name', value: 'Total $' },
        },
      ],
    ]);
    const source = openSource(
      'costs',
      { source: 'ndjson', path: 'data/costs.ndjson', columns: { 'When (local)': 'date' } },
      { baseDir: dir },
    );
    const frame = (await runQueries(source, queries, {}, { dataset: 'costs' })).get('wide')!;
    expect(frame.fields).toEqual(['Quarter #', 'Aix en Provence', 'Nice', 'Saint-Étienne']);
    const rows = frameToRows(frame);
    for (const row of rows) {
      for (const city of ['Aix en Provence', 'Nice', 'Saint-Étienne']) {
        let total = 0;
        for (const d of data) {
          const month = Number(d.when.slice(5, 7));
          const quarter = `2024-${String(month - ((month - 1) % 3)).padStart(2, '0')}-01`;
          if (d.city === city && d.cost !== null && quarter === row['Quarter #']) total += d.cost;
        }
        expect(row[city]).toBeCloseTo(total, 6);
      }
    }
    expect(rows.map((r) => r['Quarter #'])).toEqual(['2024-01-01', '2024-04-01', '2024-07-01', '2024-10-01']);
  });
});

describe('openSource column batches', () => {
  const rowsOf = async (batches: AsyncIterable<ColumnBatch>) => {
    const rows: Row[] = [];
    for await (const batch of batches) rows.push(...batchRows(batch));
    return rows;
  };

  it('reads a CSV file column by column, with the same rows and the date misses counted anew each read', async () => {
    await writeFile(join(dir, 'data', 'cols.csv'), 'day,n\n2024-01-01,1\nsoon,2\nsoon,3\n');
    const dataset = { source: 'csv', path: 'data/cols.csv', columns: { day: 'date' } } as const;
    const roots = new FileRoots([dir]);
    for (const source of [
      openSource('c', dataset, { baseDir: dir }),
      openSource('c', dataset, { baseDir: dir, roots }),
    ]) {
      expect(source.columnBatches).toBeDefined();
      const rows = await rowsOf(source.columnBatches!());
      expect(rows).toEqual(await collect(source));
      expect(rows).toEqual([
        { day: '2024-01-01', n: 1 },
        { day: null, n: 2 },
        { day: null, n: 3 },
      ]);
      await rowsOf(source.columnBatches!());
      expect(source.invalid?.missed.map((c) => c.misses.count)).toEqual([2]);
    }
  });

  it('refuses a CSV file outside the roots when read column by column', async () => {
    const source = openSource(
      'c',
      { source: 'csv', path: '/etc/hostname' },
      { baseDir: dir, roots: new FileRoots([dir]) },
    );
    await expect(rowsOf(source.columnBatches!())).rejects.toMatchObject({ code: 'CP_ERR_PATH_DENIED' });
  });

  it('offers no column batches for sources that read rows', () => {
    expect(
      openSource('t', { source: 'inline', rows: [{ a: 1 }] }, { baseDir: dir }).columnBatches,
    ).toBeUndefined();
  });
});
