import { renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileRoots } from '../../src/data/sources/roots.js';
import type { Warning } from '../../src/errors.js';
import { frameToRows } from '../../src/frame.js';
import { runPlanData } from '../../src/pipeline/data.js';
import { KeptFrames } from '../../src/pipeline/kept-frames.js';
import { prepareReport } from '../../src/pipeline/prepare.js';
import type { ParamInput } from '../../src/spec/params.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const outside = tempDir();
tmp.write('data/sales.csv', 'region,amount,n\nEU,10,x\nUS,20,1\nEU,5,2\n');
tmp.write('data/stores.csv', 'store,size\nA,100\nB,250\n');
const report = tmp.write(
  'report.yaml',
  `title: Kept
params:
  region: { type: string }
datasets:
  sales: { source: csv, path: data/sales.csv }
  stores: { source: csv, path: data/stores.csv }
  notes: { source: inline, rows: [{ k: a, v: 1 }, { k: b, v: 2 }] }
charts:
  byRegion:
    type: bar
    data: { from: sales, filter: [{ field: region, value: { param: region } }], groupBy: [region], aggregate: { total: { op: sum, field: amount }, bad: { op: sum, field: n } } }
    encode: { x: region, y: total }
  sizes:
    type: bar
    data: { from: stores }
    encode: { x: store, y: size }
  notes:
    type: pie
    data: { from: notes }
    encode: { x: k, y: v }
body:
  - chart: byRegion
  - chart: sizes
  - chart: notes
`,
);

/** One data phase with the kept frames: what it scanned, reused, and the frames and warnings. */
async function run(kept: KeptFrames, params: ParamInput = {}, roots?: FileRoots) {
  const prepared = await prepareReport(report, { params }, 1e6, roots);
  const frames = kept.run();
  const warnings: Warning[] = [];
  const data = await runPlanData(prepared.plan, { ...prepared, frames, warn: (w) => warnings.push(w) });
  const rows = Object.fromEntries([...data.frames].map(([id, f]) => [id, frameToRows(f)]));
  return { scanned: [...frames.scanned].sort(), reused: [...frames.reused].sort(), data, rows, warnings };
}

describe('KeptFrames', () => {
  it('reuses every frame while nothing changed, and hands none to a worker', async () => {
    const kept = new KeptFrames();
    const first = await run(kept);
    expect(first.scanned).toEqual(['notes', 'sales', 'stores']);
    expect(first.reused).toEqual([]);
    const second = await run(kept);
    expect(second.scanned).toEqual([]);
    expect(second.reused).toEqual(['notes', 'sales', 'stores']);
    expect(second.rows).toEqual(first.rows);
    expect(second.data.frames.get('sizes')).toBe(first.data.frames.get('sizes'));
    expect(second.data.owned.size).toBe(0);
    // The invalid cells' warning of the scan is told again when its frame is reused.
    expect(first.warnings.map((w) => w.code)).toContain('CP_WARN_INVALID_VALUES');
    expect(second.warnings).toEqual(first.warnings);
  });

  it('rescans only the dataset whose file changed, however it was replaced', async () => {
    const kept = new KeptFrames();
    await run(kept);
    writeFileSync(join(tmp.dir, 'data/stores.csv'), 'store,size\nA,100\nB,250\nC,75\n');
    const edited = await run(kept);
    expect(edited.scanned).toEqual(['stores']);
    expect(edited.reused).toEqual(['notes', 'sales']);
    expect(edited.rows.sizes).toHaveLength(3);

    // An editor's save: a new file renamed over the old one.
    tmp.write('data/stores.tmp', 'store,size\nA,1\n');
    renameSync(join(tmp.dir, 'data/stores.tmp'), join(tmp.dir, 'data/stores.csv'));
    const renamed = await run(kept);
    expect(renamed.scanned).toEqual(['stores']);
    expect(renamed.rows.sizes).toEqual([{ store: 'A', size: 1 }]);
    expect((await run(kept)).scanned).toEqual([]);
  });

  it('rescans for a param only the queries that read it', async () => {
    const kept = new KeptFrames();
    await run(kept);
    const eu = await run(kept, { region: 'EU' });
    expect(eu.scanned).toEqual(['sales']);
    expect(eu.rows.byRegion).toEqual([{ region: 'EU', total: 15, bad: 2 }]);
    // Both values are kept: switching back reads nothing.
    expect((await run(kept, {})).scanned).toEqual([]);
    expect((await run(kept, { region: 'EU' })).scanned).toEqual([]);
  });

  it('keeps no failed query, and refuses a file swapped for a link outside the roots', async () => {
    const kept = new KeptFrames();
    const roots = new FileRoots([tmp.dir]);
    await run(kept, {}, roots);
    const secret = outside.write('secret.csv', 'store,size\nX,1\n');
    const stores = join(tmp.dir, 'data/stores.csv');
    const saved = tmp.write('data/stores.bak', 'store,size\nA,1\n');
    unlinkSync(stores);
    symlinkSync(secret, stores);
    const denied = await run(kept, {}, roots);
    expect(denied.data.failed.get('sizes')?.code).toBe('CP_ERR_PATH_DENIED');
    unlinkSync(stores);
    renameSync(saved, stores);
    const back = await run(kept, {}, roots);
    expect(back.data.failed.size).toBe(0);
    expect(back.scanned).toEqual(['stores']);
  });

  it('is bounded in bytes', async () => {
    const kept = new KeptFrames({ maxBytes: 64 });
    await run(kept);
    expect(kept.size).toBeLessThanOrEqual(2);
    expect((await run(kept)).scanned.length).toBeGreaterThan(0);
  });
});
