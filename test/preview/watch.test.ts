import { appendFileSync, mkdirSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { FileWatcher } from '../../src/preview/watch.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const watchers: FileWatcher[] = [];
afterEach(() => {
  for (const w of watchers.splice(0)) w.close();
});

/** A watcher on the files, and the changes it told, each a sorted list of paths. */
function watching(files: string[], debounceMs = 30) {
  const told: string[][] = [];
  const watcher = new FileWatcher({ debounceMs, onChange: (paths) => told.push([...paths].sort()) });
  watcher.set(files);
  watchers.push(watcher);
  return { watcher, told };
}

/** Waits until `told` has `n` entries (or a second has passed). */
async function until(told: unknown[], n: number, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (told.length < n && Date.now() < end) await sleep(10);
}

describe('FileWatcher', () => {
  it('tells a burst of saves once, after the files are quiet', async () => {
    const a = tmp.write('burst/a.txt', '0');
    const b = tmp.write('burst/b.txt', '0');
    const { told } = watching([a, b]);
    for (let i = 0; i < 10; i++) {
      appendFileSync(i % 2 ? a : b, String(i));
      await sleep(5);
    }
    await until(told, 1);
    await sleep(100);
    expect(told).toEqual([[a, b]]);
  });

  it('tells a change at the latest ten periods after the first event, even while writes go on', async () => {
    const a = tmp.write('steady/a.txt', '0');
    const { told } = watching([a], 20);
    const end = Date.now() + 400;
    while (Date.now() < end) {
      appendFileSync(a, 'x');
      await sleep(8);
    }
    expect(told.length).toBeGreaterThanOrEqual(1);
  });

  it('keeps watching a file saved by rename, deleted and made again, and ignores its neighbours', async () => {
    const file = tmp.write('rename/report.yaml', 'a: 1');
    const { told } = watching([file]);
    tmp.write('rename/other.txt', 'not watched');
    await sleep(80);
    expect(told).toEqual([]);

    tmp.write('rename/.report.yaml.swp', 'a: 2');
    renameSync(join(tmp.dir, 'rename/.report.yaml.swp'), file);
    await until(told, 1);
    writeFileSync(file, 'a: 3'); // the new inode is watched as well
    await until(told, 2);
    unlinkSync(file);
    await until(told, 3);
    writeFileSync(file, 'a: 4');
    await until(told, 4);
    expect(told).toEqual([[file], [file], [file], [file]]);
  });

  it('follows set(): a file no longer named is not told', async () => {
    const a = tmp.write('set/a.csv', '1');
    const b = tmp.write('set/sub/b.csv', '1');
    const { watcher, told } = watching([a, b]);
    expect(watcher.files.sort()).toEqual([a, b]);
    watcher.set([a]);
    appendFileSync(b, '2');
    await sleep(100);
    expect(told).toEqual([]);
    appendFileSync(a, '2');
    await until(told, 1);
    expect(told).toEqual([[a]]);
  });

  it('watches again a folder that went away and came back', async () => {
    const dir = join(tmp.dir, 'gone');
    const file = tmp.write('gone/data.csv', '1');
    const { told } = watching([file]);
    rmSync(dir, { recursive: true });
    await until(told, 1);
    mkdirSync(dir);
    writeFileSync(file, '2');
    await until(told, 2, 3000);
    expect(told.length).toBeGreaterThanOrEqual(2);
    expect(told.at(-1)).toEqual([file]);
  });

  it('tells nothing once closed', async () => {
    const a = tmp.write('closed/a.txt', '0');
    const { watcher, told } = watching([a]);
    appendFileSync(a, '1');
    watcher.close();
    await sleep(100);
    expect(told).toEqual([]);
  });
});
