import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { ChartpressError, type Problem } from '../../src/errors.js';
import type { ReportInput } from '../../src/spec/schema.js';
import { makeSqlite } from '../data/sql/helpers.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const root = join(tmp.dir, 'reports');
const outside = join(tmp.dir, 'private');
const csv = 'x,n\na,1\nb,2\n';
tmp.write('reports/data/sales.csv', csv);
tmp.write('reports/data/sales.json', '[{"x":"a","n":1}]');
tmp.write('private/secret.csv', csv);
tmp.write('private/secret.json', '[{"x":"a","n":1}]');
tmp.write('private/secret.ndjson', '{"x":"a","n":1}\n');
mkdirSync(join(root, 'db'));
makeSqlite(join(outside, 'secret.db'), 't', ['x TEXT', 'n INTEGER'], [['a', 1]]);
makeSqlite(join(root, 'db', 'shop.db'), 't', ['x TEXT', 'n INTEGER'], [['a', 1]]);
// Links inside the root: two that point out, two that stay in.
symlinkSync(join(outside, 'secret.csv'), join(root, 'out.csv'));
symlinkSync(join(outside, 'secret.db'), join(root, 'out.db'));
symlinkSync(outside, join(root, 'private-dir'));
symlinkSync(join(root, 'data', 'sales.csv'), join(root, 'in.csv'));
symlinkSync(join(root, 'data'), join(root, 'data-dir'));
// The root itself named through a link: it is resolved too.
symlinkSync(root, join(tmp.dir, 'reports-link'));
const reportText = (path: string) =>
  `title: T\ndatasets:\n  d: { source: csv, path: "${path}" }\ncharts:\n  c: { type: bar, data: { from: d }, encode: { x: x, y: n } }\nbody: [{ chart: c }]\n`;
tmp.write('reports/report.yaml', reportText('data/sales.csv'));
tmp.write('private/report.yaml', reportText('secret.csv'));
symlinkSync(join(outside, 'report.yaml'), join(root, 'linked-report.yaml'));

const engine = createEngine({ cache: false, files: { roots: [join(tmp.dir, 'reports-link')] } });
afterAll(() => engine.close());

function report(dataset: Record<string, unknown>): ReportInput {
  return {
    title: 'T',
    datasets: { d: dataset },
    charts: { c: { type: 'bar', data: { from: 'd' }, encode: { x: 'x', y: 'n' } } },
    body: [{ chart: 'c' }],
  } as unknown as ReportInput;
}

async function problemsOf(work: Promise<unknown>): Promise<readonly Problem[]> {
  const e = await work.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(ChartpressError);
  return (e as ChartpressError).problems;
}

const read = (dataset: Record<string, unknown>) => engine.data(report(dataset), { baseDir: root });

describe('files.roots', () => {
  const refused: Record<string, Record<string, unknown>> = {
    '`..` out of the root': { source: 'csv', path: '../private/secret.csv' },
    'an absolute path outside': { source: 'csv', path: join(outside, 'secret.csv') },
    'a symlink inside pointing outside': { source: 'csv', path: 'out.csv' },
    'a path through a linked folder that points outside': {
      source: 'csv',
      path: 'private-dir/secret.csv',
    },
    'a path that goes in and out again': { source: 'csv', path: 'data/../../private/secret.csv' },
    'a JSON file outside': { source: 'json', path: '../private/secret.json' },
    'an NDJSON file outside': { source: 'ndjson', path: '../private/secret.ndjson' },
    'a SQLite file outside': { source: 'sqlite', path: '../private/secret.db', table: 't' },
    'a SQLite file through a symlink pointing outside': { source: 'sqlite', path: 'out.db', table: 't' },
    'a missing file outside (nothing said about what exists there)': {
      source: 'csv',
      path: '../private/missing.csv',
    },
  };
  for (const [name, dataset] of Object.entries(refused)) {
    it(`refuses ${name}: CP_ERR_PATH_DENIED at datasets.d.path`, async () => {
      const problems = await problemsOf(read(dataset));
      expect(problems[0]).toMatchObject({ code: 'CP_ERR_PATH_DENIED', path: 'datasets.d.path' });
      expect(problems[0]?.hint).toContain('files.roots');
    });
  }

  it('reads files under the root, directly and through links that stay inside', async () => {
    for (const dataset of [
      { source: 'csv', path: 'data/sales.csv' },
      { source: 'csv', path: 'in.csv' },
      { source: 'csv', path: 'data-dir/sales.csv' },
      { source: 'json', path: join(root, 'data', 'sales.json') },
      { source: 'sqlite', path: 'db/shop.db', table: 't' },
    ]) {
      const rows = await read(dataset);
      expect(rows.c?.length, JSON.stringify(dataset)).toBeGreaterThan(0);
    }
  });

  it('JSON and NDJSON under the root stay sparse: a column absent from the first row is found', async () => {
    tmp.write('reports/data/sparse.ndjson', '{"x":"a"}\n{"x":"b","n":2}\n');
    tmp.write('reports/data/sparse.json', '[{"x":"a"},{"x":"b","n":2}]');
    for (const source of ['ndjson', 'json']) {
      const rows = await read({ source, path: `data/sparse.${source}` });
      expect(rows.c).toEqual([
        { x: 'a', n: null },
        { x: 'b', n: 2 },
      ]);
    }
  });

  it('a missing file inside the root is still "not found"', async () => {
    const problems = await problemsOf(read({ source: 'csv', path: 'data/missing.csv' }));
    expect(problems[0]?.code).toBe('CP_ERR_FILE_NOT_FOUND');
  });

  it('the report file: inside is read; outside, or linked from inside to outside, is refused', async () => {
    const ok = await engine.render(join(root, 'report.yaml'), { format: 'html' });
    expect(ok.problems).toEqual([]);
    for (const file of [join(outside, 'report.yaml'), join(root, 'linked-report.yaml')]) {
      const problems = await problemsOf(engine.render(file, { format: 'html' }));
      expect(problems[0]?.code).toBe('CP_ERR_PATH_DENIED');
    }
  });

  it('a chart file and its --data file are checked too', async () => {
    const chart = tmp.write('reports/chart.yaml', 'type: bar\nencode: { x: x, y: n }\n');
    // A chart file draws a placeholder for data it may not read.
    const outData = await engine.chart(chart, { data: join(outside, 'secret.csv') });
    expect(outData.chart).toMatchObject({ status: 'failed', error: { code: 'CP_ERR_PATH_DENIED' } });
    const outChart = tmp.write('private/chart.yaml', 'type: bar\nencode: { x: x, y: n }\n');
    const denied = await problemsOf(engine.chart(outChart, { data: join(root, 'data', 'sales.csv') }));
    expect(denied[0]?.code).toBe('CP_ERR_PATH_DENIED');
  });

  it('an empty list of roots allows no file', async () => {
    const closed = createEngine({ cache: false, files: { roots: [] } });
    try {
      const problems = await problemsOf(
        closed.data(report({ source: 'csv', path: 'data/sales.csv' }), { baseDir: root }),
      );
      expect(problems[0]?.code).toBe('CP_ERR_PATH_DENIED');
    } finally {
      await closed.close();
    }
  });

  it('the CLI sets no roots: a report may read any file', async () => {
    const file = tmp.write('reports/outward.yaml', reportText('../private/secret.csv'));
    const run = await cli('render', file, '-o', join(tmp.dir, 'outward.html'));
    expect(run.stderr.join('\n')).not.toContain('CP_ERR_PATH_DENIED');
    expect(run.code).toBe(0);
  });
});

describe('files.relativePaths', () => {
  it('shows paths under a root relative to it in problems and placeholders, and only then', async () => {
    const missing = reportText('data/missing.csv');
    const file = tmp.write('reports/missing.yaml', missing);
    const relative = createEngine({ cache: false, files: { roots: [root], relativePaths: true } });
    try {
      const hidden = await relative.render(file, { format: 'html' });
      expect(hidden.problems[0]?.code).toBe('CP_ERR_FILE_NOT_FOUND');
      expect(hidden.problems[0]?.message).toContain('data/missing.csv');
      expect(JSON.stringify(hidden.problems)).not.toContain(root);
      expect(String(hidden.output)).not.toContain(root);
    } finally {
      await relative.close();
    }
    const shown = await engine.render(file, { format: 'html' });
    expect(shown.problems[0]?.message).toContain(join(tmp.dir, 'reports'));
  });
});
