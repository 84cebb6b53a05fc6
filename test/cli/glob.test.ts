import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

function report(name: string, path: string): string {
  return tmp.write(
    `${name}/report.yaml`,
    `title: Sales
datasets:
  sales: { source: csv, path: "${path}" }
charts:
  by_region:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } }, sort: [region] }
    encode: { x: region, y: total }
body:
  - chart: by_region
`,
  );
}

describe('chartpress with a glob path', () => {
  it('`data` and `render` read every matching file as one dataset', async () => {
    tmp.write('ok/sales/2025-01.csv', 'region,amount\nEU,10\nUS,20\n');
    tmp.write('ok/sales/2025-02.csv', '\uFEFFamount,region\r\n5,EU\r\n');
    tmp.write('ok/sales/2024-12.csv', 'region,amount\nEU,1000\n');
    const file = report('ok', 'sales/2025-*.csv');
    const data = await cli('data', file);
    expect(data.code).toBe(0);
    expect(JSON.parse(data.stdout.join('\n'))).toEqual({
      by_region: [
        { region: 'EU', total: 15 },
        { region: 'US', total: 20 },
      ],
    });
    const run = await cli(
      'render',
      file,
      '-o',
      join(tmp.dir, 'ok/out.html'),
      '--no-cache',
      '--quiet',
      '--stats',
      'json',
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.at(-1) ?? '{}').charts).toMatchObject({ rendered: 1, failed: 0 });
  });

  it('no match: CP_ERR_GLOB_NO_MATCH at the path, exit 1', async () => {
    tmp.write('none/sales/2025-01.csv', 'region,amount\nEU,10\n');
    const run = await cli('data', report('none', 'sales/2030-*.csv'));
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toMatch(
      /^CP_ERR_GLOB_NO_MATCH .*datasets\.sales\.path: no file matches the glob path "sales\/2030-\*\.csv"/m,
    );
  });

  it('another header: CP_ERR_CSV_HEADER_MISMATCH naming both files, exit 1', async () => {
    tmp.write('mixed/sales/a.csv', 'region,amount\nEU,10\n');
    tmp.write('mixed/sales/b.csv', 'region,total\nEU,10\n');
    const run = await cli('data', report('mixed', 'sales/*.csv'));
    expect(run.code).toBe(1);
    const text = run.stderr.join('\n');
    expect(text).toContain('CP_ERR_CSV_HEADER_MISMATCH');
    expect(text).toContain(join(tmp.dir, 'mixed/sales/a.csv'));
    expect(text).toContain(join(tmp.dir, 'mixed/sales/b.csv'));
  });

  it('a parse error names the file and its line, not the pattern', async () => {
    tmp.write('bad/sales/a.csv', 'region,amount\nEU,10\n');
    tmp.write('bad/sales/b.csv', 'region,amount\nEU,10\nUS,"20\n');
    const run = await cli('data', report('bad', 'sales/*.csv'));
    expect(run.code).toBe(1);
    expect(run.stderr.join('\n')).toContain(`${join(tmp.dir, 'bad/sales/b.csv')} at line 3`);
  });

  it('a file added to the folder is read by the next render, not a stored document', async () => {
    tmp.write('grow/sales/1.csv', 'region,amount\nEU,10\n');
    const file = report('grow', 'sales/*.csv');
    const engine = createEngine({ cache: { disk: join(tmp.dir, 'grow/cache'), documents: true } });
    try {
      const first = await engine.render(file, { format: 'html' });
      tmp.write('grow/sales/2.csv', 'region,amount\nUS,7\n');
      const second = await engine.render(file, { format: 'html' });
      expect(second.stats.document).toBeUndefined();
      expect(second.output).not.toEqual(first.output);
      expect(second.charts[0]?.status).toBe('rendered');
    } finally {
      await engine.close();
    }
  });
});
