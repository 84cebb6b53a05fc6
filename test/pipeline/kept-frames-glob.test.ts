import { appendFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameToRows } from '../../src/frame.js';
import { runPlanData } from '../../src/pipeline/data.js';
import { KeptFrames } from '../../src/pipeline/kept-frames.js';
import { prepareReport } from '../../src/pipeline/prepare.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
tmp.write('logs/a.ndjson', '{"level":"info"}\n{"level":"warn"}\n');
tmp.write('logs/b.ndjson', '{"level":"info"}\n');
const report = tmp.write(
  'report.yaml',
  `title: Kept
datasets:
  logs: { source: ndjson, path: "logs/*.ndjson" }
charts:
  levels:
    type: bar
    data: { from: logs, groupBy: [level], aggregate: { n: { op: count } }, sort: [level] }
    encode: { x: level, y: n }
body:
  - chart: levels
`,
);

async function run(kept: KeptFrames) {
  const prepared = await prepareReport(report, {}, 1e6, undefined);
  const frames = kept.run();
  const data = await runPlanData(prepared.plan, { ...prepared, frames });
  return { scanned: [...frames.scanned], rows: frameToRows(data.frames.get('levels')!) };
}

describe('KeptFrames with a glob path', () => {
  it('reuses the frames while no matching file changes, and rescans when one is changed, added or removed', async () => {
    const kept = new KeptFrames();
    expect(await run(kept)).toEqual({
      scanned: ['logs'],
      rows: [
        { level: 'info', n: 2 },
        { level: 'warn', n: 1 },
      ],
    });
    expect((await run(kept)).scanned).toEqual([]);
    // A file that does not match changes nothing.
    tmp.write('logs/notes.txt', 'x');
    expect((await run(kept)).scanned).toEqual([]);

    appendFileSync(join(tmp.dir, 'logs/b.ndjson'), '{"level":"warn"}\n');
    expect((await run(kept)).rows).toEqual([
      { level: 'info', n: 2 },
      { level: 'warn', n: 2 },
    ]);

    tmp.write('logs/c.ndjson', '{"level":"error"}\n');
    const added = await run(kept);
    expect(added.scanned).toEqual(['logs']);
    expect(added.rows).toContainEqual({ level: 'error', n: 1 });

    unlinkSync(join(tmp.dir, 'logs/a.ndjson'));
    expect((await run(kept)).rows).toEqual([
      { level: 'error', n: 1 },
      { level: 'info', n: 1 },
      { level: 'warn', n: 1 },
    ]);
  });
});
