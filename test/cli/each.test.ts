import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEach } from '../../src/cli/burst.js';
import { fileSafe } from '../../src/jobs/documents.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('data/sales.csv', 'store,region,amount\nS1,EU,10\nS1,US,20\nS2,EU,5\nS3,US,7\n');
tmp.write('data/stores.csv', 'id\nS1\nS2\nS3\n');
const reportText = (storeType = 'string', values = '') =>
  `title: Stores
params:
  store: { type: ${storeType}${values} }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
charts:
  c:
    type: bar
    data: { from: sales, filter: [{ field: store, value: { param: store } }], groupBy: [region], aggregate: { t: { op: sum, field: amount } } }
    encode: { x: region, y: t }
body: [{ heading: Store }, { chart: c }]
`;
const report = tmp.write('report.yaml', reportText());

interface Manifest {
  documents: {
    value: unknown;
    file: string;
    bytes: number;
    status: string;
    error?: { code: string };
    ms: number;
  }[];
}
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

describe('chartpress render --each', () => {
  it('writes a document per value of a dataset column, and a manifest of them', async () => {
    const out = join(tmp.dir, 'out1');
    const run = await cli(
      'render',
      report,
      '--each',
      'store=stores.id',
      '-o',
      `${out}/{store}.html`,
      '--no-cache',
    );
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/--each store: 3 documents .*: 3 ok, 0 failed, 0 skipped/);
    expect(readdirSync(out).sort()).toEqual(['S1.html', 'S2.html', 'S3.html', 'manifest.json']);
    const manifest = manifestOf(out);
    expect(manifest.documents.map((d) => [d.value, d.status]).sort()).toEqual([
      ['S1', 'ok'],
      ['S2', 'ok'],
      ['S3', 'ok'],
    ]);
    for (const d of manifest.documents) expect(statSync(d.file).size).toBe(d.bytes);
    // The same document a render with --param gives.
    const single = join(tmp.dir, 'single.html');
    expect((await cli('render', report, '--param', 'store=S2', '-o', single, '--no-cache')).code).toBe(0);
    const strip = (f: string) => readFileSync(f, 'utf8').replace(/data-status="\w+"/g, '');
    expect(strip(join(out, 'S2.html'))).toBe(strip(single));
  });

  it('a document that fails does not stop the batch: it is listed, and the exit code is 1', async () => {
    const typed = tmp.write('typed.yaml', reportText('number', ', values: [1, 2]'));
    tmp.write('data/numbers.csv', 'id\n1\nx\n2\n');
    const withBad = typed.replace('typed.yaml', 'typed-bad.yaml');
    writeFileSync(withBad, readFileSync(typed, 'utf8').replace('data/stores.csv', 'data/numbers.csv'));
    const out = join(tmp.dir, 'out2');
    const run = await cli(
      'render',
      withBad,
      '--each',
      'store=stores.id',
      '-o',
      `${out}/{store}.html`,
      '--no-cache',
    );
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(/^CP_ERR_PARAM_TYPE .*x\.html/m);
    const manifest = manifestOf(out);
    const bad = manifest.documents.find((d) => d.value === 'x');
    expect(bad).toMatchObject({ status: 'failed', bytes: 0, error: { code: 'CP_ERR_PARAM_TYPE' } });
    expect(existsSync(join(out, 'x.html'))).toBe(false);
    expect(manifest.documents.filter((d) => d.status === 'ok')).toHaveLength(2);
  });

  it('--resume renders only what an earlier run did not write whole', async () => {
    const out = join(tmp.dir, 'out3');
    const argv = ['render', report, '--each', 'store=stores.id', '-o', `${out}/{store}.html`, '--no-cache'];
    expect((await cli(...argv)).code).toBe(0);
    // One document lost, one cut short: both are rendered again, the third is kept.
    const s1 = join(out, 'S1.html');
    const kept = statSync(join(out, 'S3.html')).mtimeMs;
    writeFileSync(join(out, 'S2.html'), 'cut');
    const { rmSync } = await import('node:fs');
    rmSync(s1);
    const run = await cli(...argv, '--resume');
    expect(run.code).toBe(0);
    expect(run.stdout.join('\n')).toMatch(/2 ok, 0 failed, 1 skipped/);
    expect(existsSync(s1)).toBe(true);
    expect(readFileSync(join(out, 'S2.html'), 'utf8')).not.toBe('cut');
    expect(statSync(join(out, 'S3.html')).mtimeMs).toBe(kept);
    const manifest = manifestOf(out);
    expect(manifest.documents.map((d) => d.status).sort()).toEqual(['ok', 'ok', 'skipped']);
  });

  it('refuses an output name without the value, a .typ burst, and a bad --each', async () => {
    const noSlot = await cli('render', report, '--each', 'store=stores.id', '-o', `${tmp.dir}/all.pdf`);
    expect([noSlot.code, noSlot.stderr[0]]).toEqual([2, expect.stringMatching(/^CP_ERR_USAGE .*\{store\}/)]);
    const typ = await cli('render', report, '--each', 'store=stores.id', '-o', `${tmp.dir}/{store}.typ`);
    expect(typ.code).toBe(2);
    const bad = await cli('render', report, '--each', 'store=nodot', '-o', `${tmp.dir}/{store}.pdf`);
    expect(bad.code).toBe(2);
    const resume = await cli('render', report, '--resume', '-o', `${tmp.dir}/one.pdf`);
    expect(resume.code).toBe(2);
  });

  it('makes every value a safe file name', () => {
    expect(fileSafe('../../etc/passwd')).toBe('.._.._etc_passwd');
    expect(fileSafe('..')).toBe('_');
    expect(fileSafe('')).toBe('_');
    expect(fileSafe('Zürich 2')).toBe('Zürich 2');
    expect(fileSafe('a/b\\c:d*e')).toBe('a_b_c_d_e');
    expect(parseEach('store')).toEqual({ param: 'store' });
    expect(parseEach('store=stores.id')).toEqual({ param: 'store', from: 'stores', field: 'id' });
  });
});
