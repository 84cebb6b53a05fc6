import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

const CSV = 'date,region,amount\n2024-01-05,EU,10\n2024-02-07,US,20\n2024-03-09,APAC,15\n';

/** A report over `data/sales.csv` with two charts and a table, plus extra `datasets:` lines. */
function reportText(extraDatasets = ''): string {
  return `title: Outputs
datasets:
  sales: { source: csv, path: data/sales.csv }
${extraDatasets}charts:
  by_region:
    type: bar
    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: region, y: total }
  by_month:
    type: line
    data: { from: sales, groupBy: [{ field: date, bucket: month }], aggregate: { total: { op: sum, field: amount } } }
    encode: { x: date, y: total }
body:
  - heading: Sales
  - chart: by_region
  - chart: by_month
  - table: { data: { from: sales, groupBy: [region], aggregate: { n: { op: count } } } }
`;
}

let n = 0;
/** A fresh folder holding a report and its data. */
function project(extraDatasets = ''): { dir: string; report: string; csv: string } {
  const dir = join(tmp.dir, `p${n++}`);
  const csv = put(`${dir}/data/sales.csv`, CSV);
  const report = put(`${dir}/report.yaml`, reportText(extraDatasets));
  return { dir, report, csv };
}

/** Writes a file, creating its folder. */
function put(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const codesOf = (stderr: readonly string[]) =>
  stderr.map((l) => /^(CP_ERR_[A-Z_]+)/.exec(l)?.[1]).filter((c): c is string => !!c);

/** Temporary output files left in a folder (the writer names them `.<name>.<pid>.<random>.tmp`). */
const tempFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

const isCompletePdf = (bytes: Buffer) =>
  bytes.subarray(0, 5).toString('latin1') === '%PDF-' &&
  bytes.subarray(-8).toString('latin1').trimEnd().endsWith('%%EOF');

describe('a full disk', () => {
  // A real ENOSPC: a 256 KiB tmpfs, filled up. Mounting needs root; under CI the machine is root.
  // Mounted only when one of these tests runs.
  let mnt = '';
  let mounted = false;
  beforeAll(() => {
    mnt = mkdtempSync(join(tmpdir(), 'chartpress-enospc-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      const why = (e as { stderr?: Buffer }).stderr?.toString().trim() || String(e);
      if (process.env.CI === 'true') throw new Error(`cannot mount a tmpfs under CI=true: ${why}`);
      console.warn(
        `SKIPPED: cannot mount a tmpfs (uid ${process.getuid?.()}): ${why}; ENOSPC tests did not run`,
      );
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mnt]);
    if (mnt) rmSync(mnt, { recursive: true, force: true });
  });

  /** Fills the tmpfs to the last byte. */
  const fill = () => {
    const chunk = Buffer.alloc(4096, 1);
    let i = 0;
    try {
      for (;;) writeFileSync(join(mnt, `fill-${i++}`), chunk);
    } catch (e) {
      expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    }
  };
  const unfill = () => {
    for (const f of readdirSync(mnt)) if (f.startsWith('fill-')) rmSync(join(mnt, f));
  };

  it('keeps the previous PDF and leaves no temporary file (ENOSPC)', async (ctx) => {
    if (!mounted) ctx.skip();
    const { report } = project();
    const out = join(mnt, 'out.pdf');
    const old = Buffer.from('%PDF-1.7 the previous good report %%EOF\n');
    writeFileSync(out, old);
    fill();
    try {
      const run = await cli('render', report, '-o', out, '--no-cache', '--concurrency', '1', '-q');
      expect(run.code).toBe(1);
      expect(codesOf(run.stderr)).toEqual(['CP_ERR_OUTPUT_WRITE']);
      expect(run.stderr.join('\n')).toContain('ENOSPC');
      expect(run.stderr.join('\n')).not.toMatch(/\n\s+at /); // one line, no stack
      expect(readFileSync(out)).toEqual(old);
      expect(tempFiles(mnt)).toEqual([]);
    } finally {
      unfill();
    }
    // With room again, the same command replaces it with the complete new PDF.
    const run = await cli('render', report, '-o', out, '--no-cache', '--concurrency', '1', '-q');
    expect(run.code).toBe(0);
    expect(isCompletePdf(readFileSync(out))).toBe(true);
    expect(tempFiles(mnt)).toEqual([]);
  });

  it('keeps the previous .typ and its chart files whole (ENOSPC)', async (ctx) => {
    if (!mounted) ctx.skip();
    const { report } = project();
    const out = join(mnt, 'typ', 'out.typ');
    mkdirSync(join(mnt, 'typ'), { recursive: true });
    writeFileSync(out, 'old source\n');
    fill();
    try {
      const run = await cli('render', report, '-o', out, '--no-cache', '--concurrency', '1', '-q');
      expect(codesOf(run.stderr)).toEqual(['CP_ERR_OUTPUT_WRITE']);
      expect(readFileSync(out, 'utf8')).toBe('old source\n');
      expect(tempFiles(join(mnt, 'typ'))).toEqual([]);
      const charts = join(mnt, 'typ', 'charts');
      if (existsSync(charts)) expect(tempFiles(charts)).toEqual([]);
    } finally {
      unfill();
    }
  });
});

/** The CLI as a child process, from its TypeScript source. */
const tsx = createRequire(import.meta.url).resolve('tsx');
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('a file-size limit (RLIMIT_FSIZE)', () => {
  it('fails the write with EFBIG, keeps the previous PDF and leaves no temporary file', async () => {
    const { dir, report } = project();
    const out = join(dir, 'out.pdf');
    const old = Buffer.from('%PDF-1.7 the previous good report\n%%EOF\n');
    writeFileSync(out, old);
    // 32 blocks per file (16 or 32 KiB, by the shell's unit): the PDF is larger.
    const run = spawnSync(
      'sh',
      [
        '-c',
        'ulimit -f 32 && exec "$@"',
        'sh',
        process.execPath,
        '--import',
        tsx,
        main,
        'render',
        report,
        '-o',
        out,
        '--no-cache',
        '--concurrency',
        '1',
        '-q',
      ],
      { cwd: dir, encoding: 'utf8', timeout: 9000 },
    );
    expect(run.signal).toBe(null);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^CP_ERR_OUTPUT_WRITE .*EFBIG/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(readFileSync(out)).toEqual(old);
    expect(tempFiles(dir)).toEqual([]);
  });
});

describe('a failed write', () => {
  it('leaves a folder in the way as it was, with no temporary file', async () => {
    const { dir, report } = project();
    const out = join(dir, 'out.html');
    mkdirSync(out);
    const run = await cli('render', report, '-o', out, '--no-cache', '--concurrency', '1', '-q');
    expect(run.code).toBe(1);
    expect(codesOf(run.stderr)).toEqual(['CP_ERR_OUTPUT_WRITE']);
    expect(statSync(out).isDirectory()).toBe(true);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('writes to a device as a stream, never replacing it', async () => {
    const { report } = project();
    const run = await cli('render', report, '-o', '/dev/null', '--format', 'html', '--no-cache', '-q');
    expect(run.code).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(tempFiles('/dev')).toEqual([]);
  });

  it('refuses a named pipe nobody reads, at once, instead of waiting for a reader', async () => {
    const { dir, report } = project();
    const fifo = join(dir, 'out.fifo');
    execFileSync('mkfifo', [fifo]);
    const run = await cli('render', report, '-o', fifo, '--format', 'html', '--no-cache', '-q');
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      expect.stringMatching(/^CP_ERR_OUTPUT_WRITE .*ENXIO \(no process reads the pipe\)/),
    ]);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('replaces the target through a symlink, keeping the link', async () => {
    const { dir, report } = project();
    const real = join(dir, 'real.html');
    writeFileSync(real, 'old');
    symlinkSync(real, join(dir, 'link.html'));
    const run = await cli('render', report, '-o', join(dir, 'link.html'), '--no-cache', '-q');
    expect(run.code).toBe(0);
    expect(readFileSync(real, 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(join(dir, 'link.html'), 'utf8')).toBe(readFileSync(real, 'utf8'));
    expect(tempFiles(dir)).toEqual([]);
  });
});

describe('an output that is an input', () => {
  const refused = async (argv: string[], ...unchanged: Array<[string, string | Buffer]>) => {
    const run = await cli(...argv);
    expect(run.code, run.stderr.join('\n')).toBe(1);
    expect(codesOf(run.stderr)).toEqual(['CP_ERR_OUTPUT_CLOBBER']);
    for (const [path, bytes] of unchanged) expect(readFileSync(path)).toEqual(Buffer.from(bytes));
  };

  it('refuses the report file itself (-o self.yaml --format html)', async () => {
    const { report } = project();
    await refused(['render', report, '-o', report, '--format', 'html', '--no-cache'], [report, reportText()]);
  });

  it('refuses a path to the report file through a folder that does not exist (x/../report.yaml)', async () => {
    const { dir, report, csv } = project();
    await refused(
      // Written out: join() would take the `..` away before the CLI sees it.
      ['render', report, '-o', `${dir}/x/../report.yaml`, '--format', 'html', '--no-cache'],
      [report, reportText()],
    );
    await refused(
      ['render', report, '-o', `${dir}/data/zz/../sales.csv`, '--format', 'html', '--no-cache'],
      [csv, CSV],
    );
    // Nothing was created on the way.
    expect(existsSync(join(dir, 'x'))).toBe(false);
    expect(existsSync(join(dir, 'data', 'zz'))).toBe(false);
  });

  it('refuses a symlink to the report file', async () => {
    const { dir, report } = project();
    symlinkSync(report, join(dir, 'out.html'));
    await refused(['render', report, '-o', join(dir, 'out.html'), '--no-cache'], [report, reportText()]);
  });

  it('refuses a hard link to the report file', async () => {
    const { dir, report } = project();
    linkSync(report, join(dir, 'out.html'));
    await refused(['render', report, '-o', join(dir, 'out.html'), '--no-cache'], [report, reportText()]);
  });

  it('refuses a dataset file, directly and through a symlink', async () => {
    const { dir, report, csv } = project();
    await refused(['render', report, '-o', csv, '--format', 'html', '--no-cache'], [csv, CSV]);
    symlinkSync(csv, join(dir, 'out.pdf'));
    await refused(['render', report, '-o', join(dir, 'out.pdf'), '--no-cache'], [csv, CSV]);
    expect(tempFiles(dir)).toEqual([]);
  });

  it('refuses a SQLite dataset file', async () => {
    const { dir, report } = project('  shop: { source: sqlite, path: data/shop.db, table: sales }\n');
    const db = new Database(join(dir, 'data/shop.db'));
    db.exec("create table sales (region text, amount real); insert into sales values ('EU', 1)");
    db.close();
    const before = readFileSync(join(dir, 'data/shop.db'));
    await refused(
      ['render', report, '-o', join(dir, 'data/shop.db'), '--format', 'html', '--no-cache'],
      [join(dir, 'data/shop.db'), before],
    );
  });

  it('refuses a .typ whose chart file would overwrite a file the report reads', async () => {
    const first = project();
    const run = await cli('render', first.report, '-o', join(first.dir, 'out.typ'), '--no-cache', '-q');
    expect(run.code).toBe(0);
    const chartFile = readdirSync(join(first.dir, 'charts'))[0] ?? '';
    expect(chartFile).toMatch(/\.svg$/);
    // The same charts, with a declared dataset that is the path of one of their chart files.
    const { dir, report } = project(`  extra: { source: csv, path: charts/${chartFile} }\n`);
    const victim = put(`${dir}/charts/${chartFile}`, 'a,b\n1,2\n');
    await refused(['render', report, '-o', join(dir, 'out.typ'), '--no-cache'], [victim, 'a,b\n1,2\n']);
    expect(existsSync(join(dir, 'out.typ'))).toBe(false);
  });

  it('refuses a chart output that is the chart file or its --data file', async () => {
    const { dir, csv } = project();
    const chartText =
      'type: bar\ndata: { groupBy: [region], aggregate: { total: { op: sum, field: amount } } }\nencode: { x: region, y: total }\n';
    const chart = put(`${dir}/chart.yaml`, chartText);
    symlinkSync(chart, join(dir, 'chart.svg'));
    await refused(['chart', chart, '--data', csv, '-o', join(dir, 'chart.svg')], [chart, chartText]);
    symlinkSync(csv, join(dir, 'data.svg'));
    await refused(['chart', chart, '--data', csv, '-o', join(dir, 'data.svg')], [csv, CSV]);
    // A dataset named in the chart file is an input too.
    const withData = put(
      `${dir}/with-data.yaml`,
      `${chartText}dataset: { source: csv, path: data/sales.csv }\n`,
    );
    linkSync(csv, join(dir, 'hard.svg'));
    await refused(['chart', withData, '-o', join(dir, 'hard.svg')], [csv, CSV]);
  });
});

describe('what a render writes', () => {
  it('writes only the PDF for -o out.pdf, from a cold and a warm cache', async () => {
    const { dir, report } = project();
    const outDir = join(dir, 'out');
    const cacheDir = join(dir, 'cache');
    for (let i = 0; i < 2; i++) {
      const run = await cli('render', report, '-o', join(outDir, 'out.pdf'), '--cache-dir', cacheDir, '-q');
      expect(run.code).toBe(0);
      expect(readdirSync(outDir)).toEqual(['out.pdf']);
      expect(isCompletePdf(readFileSync(join(outDir, 'out.pdf')))).toBe(true);
    }
  });

  it('writes the .typ and its charts as plain SVG, from a cold and a warm cache', async () => {
    const { dir, report } = project();
    const outDir = join(dir, 'out');
    const cacheDir = join(dir, 'cache');
    for (let i = 0; i < 2; i++) {
      const run = await cli('render', report, '-o', join(outDir, 'out.typ'), '--cache-dir', cacheDir, '-q');
      expect(run.code).toBe(0);
      expect(readdirSync(outDir).sort()).toEqual(['charts', 'out.typ']);
      const source = readFileSync(join(outDir, 'out.typ'), 'utf8');
      const files = readdirSync(join(outDir, 'charts'));
      expect(files).toHaveLength(2);
      for (const f of files) {
        const text = readFileSync(join(outDir, 'charts', f), 'utf8');
        expect(text.startsWith('<svg') || text.startsWith('<?xml')).toBe(true);
        expect(text.trimEnd().endsWith('</svg>')).toBe(true);
        expect(source).toContain(`/charts/${f}`);
      }
    }
  });
});

describe('a signal while rendering or writing', () => {
  /** A report whose PDF takes a while: many charts over more rows. */
  const big = (() => {
    const { dir, report } = project();
    const rows = ['date,region,amount'];
    for (let i = 0; i < 3000; i++)
      rows.push(`2024-${String((i % 12) + 1).padStart(2, '0')}-0${(i % 9) + 1},R${i % 40},${i % 97}`);
    writeFileSync(join(dir, 'data/sales.csv'), `${rows.join('\n')}\n`);
    const charts = Array.from(
      { length: 12 },
      (_, i) =>
        `  c${i}:\n    type: ${i % 2 ? 'bar' : 'line'}\n    title: Chart ${i}\n    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }\n    encode: { x: region, y: total }\n`,
    );
    writeFileSync(
      report,
      `title: Big\ndatasets:\n  sales: { source: csv, path: data/sales.csv }\ncharts:\n${charts.join('')}body:\n${charts.map((_, i) => `  - chart: c${i}\n`).join('')}  - table: { data: { from: sales } }\n`,
    );
    return { dir, report };
  })();

  /** Runs the CLI; `stop` decides when to send the signal. Returns how it ended. */
  const runAndStop = (
    out: string,
    signal: NodeJS.Signals,
    stop: (child: ChildProcess, send: () => void) => void,
    cache: readonly string[] = ['--no-cache'],
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> =>
    new Promise((done, fail) => {
      const child = spawn(
        process.execPath,
        ['--import', tsx, main, 'render', big.report, '-o', out, ...cache, '--concurrency', '1', '-q'],
        { cwd: big.dir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr?.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      let sent = false;
      const send = () => {
        if (sent) return;
        sent = true;
        child.kill(signal);
      };
      stop(child, send);
      child.on('error', fail);
      child.on('exit', (code, sig) => done({ code, signal: sig, stderr }));
    });

  const expectedCode = { SIGTERM: 143, SIGINT: 130 } as const;

  /** Sends the signal at the first file event in the folder whose name passes `match`. */
  const onEvent =
    (dir: string, match: (name: string) => boolean) => (child: ChildProcess, send: () => void) => {
      const w = watch(dir, (_e, name) => {
        if (match(String(name ?? ''))) send();
      });
      child.on('exit', () => w.close());
    };

  /**
   * When to stop the CLI: while rendering (as soon as the cache folder appears, when the first
   * chart is stored), as soon as the write starts (a temporary file is created, or the target
   * opened), and as soon as the target itself changes (renamed into place, or written).
   */
  const moments = {
    'while rendering': (dir: string) => ({
      stop: onEvent(dir, (name) => name === 'cache'),
      cache: ['--cache-dir', join(dir, 'cache')],
      rendering: true,
    }),
    'when the write starts': (dir: string) => ({
      stop: onEvent(dir, () => true),
      cache: undefined,
      rendering: false,
    }),
    'when the target changes': (dir: string) => ({
      stop: onEvent(dir, (name) => name === 'report.pdf'),
      cache: undefined,
      rendering: false,
    }),
  } as const;

  const cases = (['SIGTERM', 'SIGINT'] as const).flatMap((signal) =>
    (Object.keys(moments) as Array<keyof typeof moments>).map((moment) => [signal, moment] as const),
  );

  let k = 0;
  it.each(cases)(
    '%s %s leaves the old file or the complete new PDF, no temporary file',
    async (signal, moment) => {
      const outDir = join(big.dir, `out-${k++}`);
      mkdirSync(outDir);
      const out = join(outDir, 'report.pdf');
      const old = Buffer.from('%PDF-1.7 the previous good report\n%%EOF\n');
      writeFileSync(out, old);
      const { stop, cache, rendering } = moments[moment](outDir);
      const end = await runAndStop(out, signal, stop, cache);
      const now = readFileSync(out);
      const replaced = !now.equals(old);
      if (replaced) expect(isCompletePdf(now)).toBe(true);
      expect(tempFiles(outDir)).toEqual([]);
      expect(end.stderr).not.toMatch(/\n\s+at /);
      if (rendering) {
        // Stopped mid-render by the CLI's own handler, with the usual exit code.
        expect(end).toMatchObject({ code: expectedCode[signal], signal: null });
        expect(replaced).toBe(false);
      } else {
        // Stopped by the handler, or the run finished first.
        expect(end.signal).toBe(null);
        expect([0, expectedCode[signal]]).toContain(end.code);
      }
      console.info(`${signal} ${moment}: ${end.signal ?? end.code}, ${replaced ? 'new' : 'old'} file`);
    },
  );
});
