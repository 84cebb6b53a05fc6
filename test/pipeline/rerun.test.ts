import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

/** A PDF's text with its creation and modification times blanked. */
const undated = (pdf: Uint8Array | string) =>
  Buffer.from(pdf)
    .toString('latin1')
    .replace(/\/(CreationDate|ModDate) \(D:\d+Z\)/g, '/$1 ()');

const REPORT = `title: Sales
params:
  region: { type: string, default: EU }
datasets:
  sales: { source: csv, path: sales.csv }
charts:
  by_region:
    type: bar
    data: { from: sales, filter: [{ field: region, op: ne, value: { param: region } }], groupBy: [region], aggregate: { n: { op: sum, field: amount } } }
    encode: { x: region, y: n }
body:
  - chart: by_region
`;

/** A folder with a report and its data, and an engine caching in a folder of its own. */
function setup(name: string, report = REPORT) {
  const dir = join(tmp.dir, name);
  const file = tmp.write(`${name}/report.yaml`, report);
  tmp.write(`${name}/sales.csv`, 'region,amount\nEU,10\nUS,20\nAPAC,5\n');
  const cacheDir = join(dir, 'cache');
  return {
    dir,
    file,
    cacheDir,
    engine: (documents?: boolean) => createEngine({ cache: { disk: cacheDir, documents } }),
  };
}

async function twice(engine: Engine, file: string, opts = {}) {
  const first = await engine.render(file, opts);
  const second = await engine.render(file, opts);
  return { first, second };
}

describe('reruns of an unchanged report', () => {
  it('write the stored document: same bytes, nothing read or drawn, every chart cached', async () => {
    const { file, engine: make } = setup('same');
    const engine = make();
    const { first, second } = await twice(engine, file);
    await engine.close();
    expect(first.stats.document).toBeUndefined();
    expect(first.stats.charts.rendered).toBe(1);
    expect(second.stats.document).toBe('cached');
    expect(second.stats.charts).toMatchObject({ total: 1, rendered: 0, cached: 1 });
    expect(second.stats.ms).toMatchObject({ data: 0, charts: 0 });
    expect(Buffer.from(second.output as Uint8Array).equals(Buffer.from(first.output as Uint8Array))).toBe(
      true,
    );
    expect(second.charts.map((c) => [c.id, c.key, c.status])).toEqual([
      ['by_region', first.charts[0]?.key, 'cached'],
    ]);
    expect(second.inputs).toEqual(first.inputs);
  });

  it('are served to a new process as well, from the folder (HTML too)', async () => {
    const { file, engine: make } = setup('process');
    const a = make();
    const first = await a.render(file, { format: 'html' });
    await a.close();
    const b = make();
    const second = await b.render(file, { format: 'html' });
    await b.close();
    expect(second.stats.document).toBe('cached');
    expect(second.output).toBe(first.output);
  });

  it('render again when a data file, the report or a param changes', async () => {
    const { dir, file, engine: make } = setup('changed');
    const engine = make();
    await engine.render(file);
    // Same size, one byte different.
    writeFileSync(join(dir, 'sales.csv'), 'region,amount\nEU,10\nUS,29\nAPAC,5\n');
    const data = await engine.render(file);
    expect(data.stats.document).toBeUndefined();
    expect(data.stats.charts.rendered).toBe(1);
    writeFileSync(file, `${REPORT}# a comment\n`);
    const report = await engine.render(file);
    expect(report.stats.document).toBeUndefined();
    // The chart is unchanged: it comes from the chart cache.
    expect(report.stats.charts).toMatchObject({ rendered: 0, cached: 1 });
    const param = await engine.render(file, { params: { region: 'US' } });
    expect(param.stats.document).toBeUndefined();
    expect((await engine.render(file, { params: { region: 'US' } })).stats.document).toBe('cached');
    await engine.close();
  });

  it('keep nothing when a data file changes while the render reads it', async () => {
    const { dir, file, engine: make } = setup('during');
    const engine = make();
    const first = await engine.render(file, {
      onChart: () => writeFileSync(join(dir, 'sales.csv'), 'region,amount\nEU,10\nUS,77\nAPAC,5\n'),
    });
    expect(first.stats.charts.rendered).toBe(1);
    // The file now differs from what the first render drew: it is drawn again, not served.
    const second = await engine.render(file);
    await engine.close();
    expect(second.stats.document).toBeUndefined();
    expect(second.stats.charts.rendered).toBe(1);
  });

  it('tell params apart by type: null, "null" and a number that JSON cannot write', async () => {
    const { file, engine: make } = setup('typed');
    const engine = make();
    await engine.render(file, { params: { region: 'null' } });
    expect((await engine.render(file, { params: { region: 'null' } })).stats.document).toBe('cached');
    expect((await engine.render(file, { params: { region: null } })).stats.document).toBeUndefined();
    const nan = await engine.render(file, { params: { region: Number.NaN } }).catch((e: unknown) => e);
    await engine.close();
    expect(nan).not.toHaveProperty('stats.document', 'cached');
  });

  it('never serve a stored document that fails its check: it is deleted and the report rendered', async () => {
    const { file, cacheDir, engine: make } = setup('corrupt');
    const engine = make();
    const first = await engine.render(file);
    const folder = join(cacheDir, 'documents');
    for (const shard of readdirSync(folder)) {
      for (const name of readdirSync(join(folder, shard))) {
        const path = join(folder, shard, name);
        const bytes = readFileSync(path);
        bytes.writeUInt8((bytes.at(-1) ?? 0) ^ 0xff, bytes.length - 1);
        writeFileSync(path, bytes);
      }
    }
    const second = await engine.render(file);
    expect(second.stats.document).toBeUndefined();
    // Rendered again: the same PDF but for the time it was made.
    expect(undated(second.output)).toBe(undated(first.output));
    expect((await engine.render(file)).stats.document).toBe('cached');
    await engine.close();
  });

  it('keep nothing for a report with a failed chart, for Typst source, or with documents: false', async () => {
    const broken = setup('broken', REPORT.replace('field: amount', 'field: nope'));
    const engine = broken.engine();
    const { second } = await twice(engine, broken.file);
    expect(second.problems.length).toBeGreaterThan(0);
    expect(second.stats.document).toBeUndefined();
    const typ = await twice(engine, broken.file, { format: 'typ' });
    expect(typ.second.stats.document).toBeUndefined();
    await engine.close();

    const off = setup('off');
    const plain = off.engine(false);
    const runs = await twice(plain, off.file);
    await plain.close();
    expect(runs.second.stats.document).toBeUndefined();
    expect(runs.second.stats.charts.cached).toBe(1);
    expect(existsSync(join(off.cacheDir, 'documents'))).toBe(false);
  });

  it('check the data files against files.roots again: a file swapped for a link outside is refused', async () => {
    const { dir, file, cacheDir } = setup('roots');
    const engine = createEngine({ cache: { disk: cacheDir }, files: { roots: [dir] } });
    await engine.render(file);
    const outside = tmp.write('outside/sales.csv', readFileSync(join(dir, 'sales.csv'), 'utf8'));
    rmSync(join(dir, 'sales.csv'));
    symlinkSync(outside, join(dir, 'sales.csv'));
    const second = await engine.render(file);
    await engine.close();
    expect(second.stats.document).toBeUndefined();
    expect(second.problems.map((p) => p.code)).toEqual(['CP_ERR_PATH_DENIED']);
  });

  it('are named in the CLI summary', async () => {
    const { dir, file, cacheDir } = setup('cli');
    const out = join(dir, 'out.pdf');
    await cli('render', file, '-o', out, '--cache-dir', cacheDir);
    const again = await cli('render', file, '-o', out, '--cache-dir', cacheDir);
    expect(again.code).toBe(0);
    expect(again.stdout.join('\n')).toContain('0 rendered, 1 cached');
    expect(again.stdout.join('\n')).toContain('inputs unchanged: the stored document');
  });
});
