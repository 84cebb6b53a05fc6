import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { batchesOf, openSource } from '../../../src/data/sources/index.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir();
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('data files read whole tell the SHA-256 of the bytes read', () => {
  const files = {
    csv: tmp.write('a.csv', `x,y\n${Array.from({ length: 50_000 }, (_, i) => `${i},${i * 2}`).join('\n')}\n`),
    ndjson: tmp.write('a.ndjson', '{"x":1}\n{"x":2}\n'),
    json: tmp.write('a.json', '[{"x":1},{"x":2}]'),
  } as const;

  for (const [source, path] of Object.entries(files)) {
    it(`${source}: once, at the end of the read, over several chunks`, async () => {
      const seen: string[] = [];
      const rows = openSource('d', { source, path } as never, { baseDir: '/', onRead: (h) => seen.push(h) });
      for await (const _ of batchesOf(rows)) {
        // read to the end
      }
      expect(seen).toEqual([sha256(path)]);
    });
  }

  it('says nothing for a read stopped early', async () => {
    const seen: string[] = [];
    const rows = openSource(
      'd',
      { source: 'csv', path: files.csv },
      { baseDir: '/', onRead: (h) => seen.push(h) },
    );
    for await (const _ of batchesOf(rows)) break;
    expect(seen).toEqual([]);
  });
});
