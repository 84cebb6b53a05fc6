import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { withMatches } from '../../src/pipeline/inputs.js';
import { createPreview, type PreviewEvent } from '../../src/preview/index.js';
import { FileWatcher } from '../../src/preview/watch.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const watchers: FileWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

async function until(told: unknown[], n: number, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (told.length < n && Date.now() < end) await sleep(10);
}

describe('watching a glob path', () => {
  it('the inputs list the files a pattern matches now, after it', async () => {
    const a = tmp.write('in/logs/a.ndjson', '{}\n');
    const b = tmp.write('in/logs/x/b.ndjson', '{}\n');
    const pattern = join(tmp.dir, 'in/logs/**/*.ndjson');
    const report = join(tmp.dir, 'in/report.yaml');
    expect(await withMatches([report, pattern], undefined)).toEqual([report, pattern, a, b]);
    // A pattern that matches nothing adds nothing: the render says why.
    expect(await withMatches([join(tmp.dir, 'in/none/*.csv')], undefined)).toHaveLength(1);
  });

  it("tells a new matching file in the fixed folder or in a matched file's folder, and a change to a matched file", async () => {
    const a = tmp.write('w/logs/2025-01.ndjson', '{}\n');
    const deep = tmp.write('w/logs/eu/2025-01.ndjson', '{}\n');
    const pattern = join(tmp.dir, 'w/logs/**/2025-*.ndjson');
    const told: string[][] = [];
    const watcher = new FileWatcher({ debounceMs: 20, onChange: (paths) => told.push([...paths].sort()) });
    watchers.push(watcher);
    watcher.set(await withMatches([pattern], undefined));
    await sleep(50);

    writeFileSync(join(tmp.dir, 'w/logs/notes.txt'), 'not matched');
    await sleep(150);
    expect(told).toEqual([]);

    const added = join(tmp.dir, 'w/logs/2025-02.ndjson');
    writeFileSync(added, '{}\n');
    await until(told, 1);
    expect(told).toEqual([[added]]);

    const addedDeep = join(tmp.dir, 'w/logs/eu/2025-02.ndjson');
    writeFileSync(addedDeep, '{}\n');
    await until(told, 2);
    expect(told[1]).toEqual([addedDeep]);

    appendFileSync(a, '{}\n');
    await until(told, 3);
    expect(told[2]).toEqual([a]);
    expect(watcher.files).toContain(deep);
  });
});

describe('a preview of a report with a glob path', () => {
  it('renders again when a new matching file appears, with its rows', async () => {
    tmp.write('p/logs/a.ndjson', '{"level":"info"}\n');
    const file = tmp.write(
      'p/report.yaml',
      `title: Logs
datasets:
  logs: { source: ndjson, path: "logs/*.ndjson" }
body:
  - table: { data: { from: logs, groupBy: [level], aggregate: { n: { op: count } }, sort: [level] } }
`,
    );
    const events: PreviewEvent[] = [];
    const preview = await createPreview(file, {
      port: 0,
      debounceMs: 10,
      pool: { threads: 1 },
      onEvent: (e) => events.push(e),
    });
    try {
      expect(preview.watched).toContain(join(tmp.dir, 'p/logs/a.ndjson'));
      const html = () => JSON.stringify(preview.last?.blocks ?? []);
      expect(html()).not.toContain('error');
      const before = events.filter((e) => e.type === 'rendered').length;
      writeFileSync(join(tmp.dir, 'p/logs/b.ndjson'), '{"level":"error"}\n');
      const end = Date.now() + 5000;
      while (events.filter((e) => e.type === 'rendered').length === before && Date.now() < end)
        await sleep(10);
      expect(html()).toContain('error');
      expect(preview.watched).toContain(join(tmp.dir, 'p/logs/b.ndjson'));
    } finally {
      await preview.close();
    }
  });
});
