import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { removeOrphanTemps } from '../../src/cli/write.js';
import { tempDir } from '../helpers/tmp.js';

describe('removeOrphanTemps', () => {
  it("removes a killed writer's temporary files of the given targets, and nothing else", async () => {
    const tmp = tempDir();
    for (const name of [
      'S1.pdf',
      '.S1.pdf.4242.k3j2h1g0.tmp',
      '.S2.pdf.17.abc.tmp',
      '.S3.pdf.99.zz.tmp',
      '.S1.pdf.notes',
      'S1.pdf.4242.x.tmp',
      'other.txt',
    ])
      tmp.write(name, 'x');
    const removed = await removeOrphanTemps([join(tmp.dir, 'S1.pdf'), join(tmp.dir, 'S2.pdf')]);
    expect(removed).toBe(2);
    expect(readdirSync(tmp.dir).sort()).toEqual(
      ['.S1.pdf.notes', '.S3.pdf.99.zz.tmp', 'S1.pdf', 'S1.pdf.4242.x.tmp', 'other.txt'].sort(),
    );
    expect(await removeOrphanTemps([join(tmp.dir, 'missing/S9.pdf')])).toBe(0);
  });
});
