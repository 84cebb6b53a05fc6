import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob, isGlob, matchFiles } from '../../../src/data/sources/glob.js';
import { FileRoots } from '../../../src/data/sources/roots.js';
import { ChartpressError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/tmp.js';

const tmp = tempDir();
const root = join(tmp.dir, 'reports');
for (const name of [
  'sales/2025-01.csv',
  'sales/2025-02.csv',
  'sales/2025-10.csv',
  'sales/2024-12.csv',
  'sales/notes.txt',
  'sales/.hidden.csv',
  'sales/eu/2025-03.csv',
  'sales/eu/deep/2025-04.csv',
  'sales/.cache/2025-05.csv',
  'logs/a.ndjson',
  'logs/b.ndjson',
]) {
  tmp.write(`reports/${name}`, 'x\n1\n');
}
tmp.write('outside/secret.csv', 'x\n1\n');
// A folder whose name matches like a file's would.
mkdirSync(join(root, 'sales/2025-99.csv'));

const where = { file: 'report.yaml', path: 'datasets.sales.path' };
const matched = async (pattern: string, opts: { roots?: FileRoots; maxFiles?: number } = {}) =>
  (await matchFiles(pattern, { baseDir: root, where, ...opts })).map((p) => relative(root, p));

async function failure(p: Promise<unknown>): Promise<ChartpressError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ChartpressError) return e;
    throw e;
  }
  throw new Error('expected a ChartpressError');
}

describe('isGlob', () => {
  it('sees *, ?, [ and {, escaped or not', () => {
    expect(isGlob('sales/2025-*.csv')).toBe(true);
    expect(isGlob('a?.csv')).toBe(true);
    expect(isGlob('a[12].csv')).toBe(true);
    expect(isGlob('{a,b}.csv')).toBe(true);
    expect(isGlob('sales/2025.csv')).toBe(false);
    expect(isGlob('sales/a\\*.csv')).toBe(true); // matches the file named `a*.csv` alone
  });
});

describe('compileGlob', () => {
  const test = (pattern: string, path: string) => compileGlob(pattern, '/r').test(path);

  it('matches *, ?, sets, ranges, negated sets and braces within one name', () => {
    expect(test('*.csv', '/r/a.csv')).toBe(true);
    expect(test('*.csv', '/r/x/a.csv')).toBe(false);
    expect(test('a?.csv', '/r/ab.csv')).toBe(true);
    expect(test('a?.csv', '/r/a.csv')).toBe(false);
    expect(test('[ab].csv', '/r/b.csv')).toBe(true);
    expect(test('[a-c]1.csv', '/r/c1.csv')).toBe(true);
    expect(test('[!a-c]1.csv', '/r/d1.csv')).toBe(true);
    expect(test('[!a-c]1.csv', '/r/a1.csv')).toBe(false);
    expect(test('{eu,us}/*.csv', '/r/us/a.csv')).toBe(true);
    expect(test('{eu,us}/*.csv', '/r/fr/a.csv')).toBe(false);
    expect(test('x{a,{b,c}d}.csv', '/r/xcd.csv')).toBe(true);
    expect(test('*\\*.csv', '/r/a*.csv')).toBe(true);
    expect(test('*\\*.csv', '/r/ab.csv')).toBe(false);
  });

  it('** matches any folders, none included, but not dot folders; * matches no leading dot', () => {
    expect(test('**/*.csv', '/r/a.csv')).toBe(true);
    expect(test('**/*.csv', '/r/x/y/a.csv')).toBe(true);
    expect(test('**/*.csv', '/r/.git/a.csv')).toBe(false);
    expect(test('*.csv', '/r/.a.csv')).toBe(false);
    expect(test('.*.csv', '/r/.a.csv')).toBe(true);
  });

  it('treats regular expression characters as text', () => {
    expect(test('a+(b)|c.*', '/r/a+(b)|c.x')).toBe(true);
    expect(test('a+(b)|c.*', '/r/aa(b)|c.x')).toBe(false);
    expect(test('^$.csv*', '/r/^$.csv1')).toBe(true);
    expect(test('?.csv', '/r/\u{1F600}.csv')).toBe(true); // one character, two UTF-16 units
  });

  it('starts from the fixed folder: .. before the first wildcard, or an absolute path', () => {
    expect(compileGlob('../data/*.csv', '/r/reports').base).toBe('/r/data');
    expect(compileGlob('/srv/data/*.csv', '/r').base).toBe('/srv/data');
    expect(compileGlob('*.csv', '/r').base).toBe('/r');
  });

  it('refuses . and .. after a wildcard, unclosed sets and braces, and patterns that name no file', () => {
    const bad = ['**/../x.csv', '*/../../etc/passwd', 'a/*/./b.csv', '[ab.csv', '{a,b.csv', 'a{b/c}.csv'];
    bad.push('x/**', 'x/*/', '[z-a].csv', '*a\\');
    for (const pattern of bad) expect(() => compileGlob(pattern, '/r'), pattern).toThrow();
  });

  it('takes hostile patterns in linear-enough time', () => {
    const t0 = performance.now();
    const g = compileGlob(`${'*a'.repeat(30)}b`, '/r');
    expect(g.test(`/r/${'a'.repeat(250)}`)).toBe(false);
    const braces = compileGlob(`${'{a,b}'.repeat(8)}*`, '/r'); // 256 alternatives
    expect(braces.test(`/r/${'ab'.repeat(120)}c`)).toBe(true);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(() => compileGlob(`${'{a,b}'.repeat(9)}*`, '/r')).toThrow(/alternatives/);
    const deep = compileGlob(`${'**/a/'.repeat(20)}b`, '/r');
    expect(deep.test(`/r/${'a/'.repeat(60)}c`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('matchFiles', () => {
  it('gives the regular files in sorted order: folder by folder, names by code units', async () => {
    expect(await matched('sales/2025-*.csv')).toEqual([
      'sales/2025-01.csv',
      'sales/2025-02.csv',
      'sales/2025-10.csv',
    ]);
    expect(await matched('sales/**/2025-*.csv')).toEqual([
      'sales/2025-01.csv',
      'sales/2025-02.csv',
      'sales/2025-10.csv',
      'sales/eu/2025-03.csv',
      'sales/eu/deep/2025-04.csv',
    ]);
    expect(await matched('sales/{2024,2025}-1?.csv')).toEqual(['sales/2024-12.csv', 'sales/2025-10.csv']);
    expect(await matched('*/*.ndjson')).toEqual(['logs/a.ndjson', 'logs/b.ndjson']);
    // An absolute pattern, as an absolute path, is read where it points (no roots: anywhere).
    expect(await matched(`${root}/logs/*.ndjson`)).toEqual(['logs/a.ndjson', 'logs/b.ndjson']);
    expect(await matched('../outside/*.csv')).toEqual(['../outside/secret.csv']);
  });

  it('reads a name with escaped wildcards as that one name', async () => {
    tmp.write('reports/odd/[x]{1}.csv', 'x\n1\n');
    tmp.write('reports/odd/x1.csv', 'x\n1\n');
    expect(await matched('odd/\\[x\\]\\{1}.csv')).toEqual(['odd/[x]{1}.csv']);
    expect(await matched('odd/[x]{1,2}.csv')).toEqual(['odd/x1.csv']);
    expect(compileGlob('odd/a\\*.csv', '/r').test('/r/odd/a*.csv')).toBe(true);
    expect(compileGlob('odd/a\\*.csv', '/r').test('/r/odd/ab.csv')).toBe(false);
  });

  it('skips a folder that matches and files in dot folders; each file once', async () => {
    expect(await matched('sales/*')).not.toContain('sales/2025-99.csv');
    expect(await matched('sales/**/*.csv')).not.toContain('sales/.cache/2025-05.csv');
    expect(await matched('sales/**/**/2025-0[34].csv')).toEqual([
      'sales/eu/2025-03.csv',
      'sales/eu/deep/2025-04.csv',
    ]);
  });

  it('skips a pipe that matches', async () => {
    mkfifoOr(join(root, 'sales/2025-50.csv'));
    expect(await matched('sales/2025-5*.csv').catch((e: ChartpressError) => e.problems[0]?.code)).toBe(
      'CP_ERR_GLOB_NO_MATCH',
    );
  });

  it('no match: CP_ERR_GLOB_NO_MATCH at the path, naming the pattern and its folder', async () => {
    const e = await failure(matched('sales/2030-*.csv'));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_GLOB_NO_MATCH', path: 'datasets.sales.path' });
    expect(e.problems[0]?.message).toContain('sales/2030-*.csv');
    expect(e.problems[0]?.hint).toMatch(/relative to the report file/);
    expect((await failure(matched('nowhere/*.csv'))).problems[0]?.code).toBe('CP_ERR_GLOB_NO_MATCH');
  });

  it('more than the cap: CP_ERR_GLOB_TOO_MANY', async () => {
    const e = await failure(matched('sales/*.csv', { maxFiles: 2 }));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_GLOB_TOO_MANY', path: 'datasets.sales.path' });
    expect(await matched('sales/*.csv', { maxFiles: 4 })).toHaveLength(4);
  });

  it('a pattern it cannot read: CP_ERR_INVALID_VALUE at the path', async () => {
    const e = await failure(matched('sales/**/../*.csv'));
    expect(e.problems[0]).toMatchObject({ code: 'CP_ERR_INVALID_VALUE', path: 'datasets.sales.path' });
  });

  describe('under roots', () => {
    const roots = new FileRoots([root]);

    it('gives the matches inside', async () => {
      expect(await matched('logs/*.ndjson', { roots })).toEqual(['logs/a.ndjson', 'logs/b.ndjson']);
    });

    it('refuses ../* and absolute patterns outside before listing them', async () => {
      for (const pattern of ['../outside/*.csv', '../*/*.csv', `${tmp.dir}/outside/*.csv`, '/etc/*']) {
        const e = await failure(matched(pattern, { roots }));
        expect(e.problems[0], pattern).toMatchObject({
          code: 'CP_ERR_PATH_DENIED',
          path: 'datasets.sales.path',
        });
      }
    });

    it('refuses a matched link that points outside', async () => {
      mkdirSync(join(root, 'linked'));
      tmp.write('reports/linked/a.csv', 'x\n1\n');
      symlinkSync(join(tmp.dir, 'outside/secret.csv'), join(root, 'linked/b.csv'));
      const e = await failure(matched('linked/*.csv', { roots }));
      expect(e.problems[0]?.code).toBe('CP_ERR_PATH_DENIED');
      expect(e.problems[0]?.message).toContain('b.csv');
      // Without roots a link is a file like any other.
      expect(await matched('linked/*.csv')).toEqual(['linked/a.csv', 'linked/b.csv']);
    });

    it('does not follow a link to a folder for **, so a loop ends', async () => {
      mkdirSync(join(root, 'loop/inner'), { recursive: true });
      tmp.write('reports/loop/inner/a.csv', 'x\n1\n');
      symlinkSync(join(root, 'loop'), join(root, 'loop/inner/back'));
      expect(await matched('loop/**/*.csv', { roots })).toEqual(['loop/inner/a.csv']);
    });
  });
});

function mkfifoOr(path: string): void {
  try {
    execFileSync('mkfifo', [path]);
  } catch {
    // No FIFOs here: nothing to test.
  }
}
