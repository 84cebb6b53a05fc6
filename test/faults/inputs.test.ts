import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { ChartpressError } from '../../src/errors.js';
import type { ReportInput } from '../../src/spec/schema.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Inputs that once escaped as crashes (a stack trace, a hang, gigabytes read): each is now one
 * coded error line and exit 1, through the CLI and the library, in bounded memory.
 */

const tmp = tempDir();
tmp.write('data.csv', 'a,b\nx,1\ny,2\n');
const engine = createEngine({ cache: false, pool: { threads: 1 } });
afterAll(() => engine.close());

const chart = 'type: bar\ndata: { from: d }\nencode: { x: a, y: b }\n';
const reportYaml = (over = '') =>
  `title: T\ndatasets:\n  d: { source: csv, path: data.csv }\ncharts:\n  c:\n    ${chart.replaceAll('\n', '\n    ')}${over}\nbody:\n  - chart: c\n`;

let n = 0;
const out = (ext = 'html') => `${tmp.dir}/out-${n++}.${ext}`;

/** Runs the CLI; checks one coded error, exit 1 and no internal error; returns stderr. */
async function refused(code: string, ...argv: string[]): Promise<string> {
  const rssBefore = process.memoryUsage().rss;
  const run = await cli(...argv);
  const stderr = run.stderr.join('\n');
  expect(run.stderr.some((l) => l.startsWith('chartpress: internal error'))).toBe(false);
  expect(run.stderr[0]).toMatch(new RegExp(`^${code} `));
  expect(run.code).toBe(1);
  // A sanity bound, not a measurement: the attacks below once took gigabytes.
  expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
  return stderr;
}

/** The codes of the problems a library call rejects with. */
async function codesOf(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ChartpressError);
  return (e as ChartpressError).problems.map((x) => x.code);
}

/** A "billion laughs": nine levels of ten aliases each would expand to 10^9 nodes. */
function aliasBomb(): string {
  const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i <= 9; i++)
    lines.push(
      `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\ntitle: T\nbody: [{ text: x }]\n`;
}

describe('YAML alias bomb', () => {
  it('is CP_ERR_PARSE naming the alias limit, through render, data and chart', async () => {
    const file = tmp.write('bomb.yaml', aliasBomb());
    expect(await refused('CP_ERR_PARSE', 'render', file, '-o', out())).toMatch(/aliases expand to more than/);
    await refused('CP_ERR_PARSE', 'data', file);
    const chartFile = tmp.write('bomb-chart.yaml', `${chart}${aliasBomb().replace(/title.*\n.*\n$/, '')}`);
    await refused('CP_ERR_PARSE', 'chart', chartFile, '--data', `${tmp.dir}/data.csv`, '-o', out('svg'));
  });

  it('is CP_ERR_PARSE from the library', async () => {
    const file = tmp.write('bomb2.yaml', aliasBomb());
    expect(await codesOf(engine.render(file, { format: 'html' }))).toEqual(['CP_ERR_PARSE']);
  });
});

describe('nesting past the limit', () => {
  it('YAML nested 1,000 levels is CP_ERR_TOO_DEEP at the path where the limit was passed', async () => {
    const file = tmp.write('deep.yaml', `title: T\nbody: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
    const stderr = await refused('CP_ERR_TOO_DEEP', 'render', file, '-o', out());
    // The root is level 1, `body` level 2: the 65th level is body[0] ... [0], 63 indices deep.
    expect(stderr).toContain(`: body${'[0]'.repeat(63)}: nests deeper than 64 levels`);
  });

  it('JSON nested 500,000 levels is CP_ERR_TOO_DEEP, before it is parsed', async () => {
    const deep = `{"title":"T","charts":{"c":{"options":{"echarts":${'{"a":'.repeat(5e5)}1${'}'.repeat(5e5)}}}}}`;
    const file = tmp.write('deep.json', deep);
    const stderr = await refused('CP_ERR_TOO_DEEP', 'render', file, '-o', out());
    expect(stderr).toContain(`: charts.c.options.echarts${'.a'.repeat(60)}: nests deeper than 64 levels`);
    await refused('CP_ERR_TOO_DEEP', 'data', file);
  });

  it('a chart file nested too deeply is refused by `chart`', async () => {
    const file = tmp.write(
      'deep-chart.yaml',
      `${chart}options: { echarts: { a: ${'['.repeat(200)}${']'.repeat(200)} } }\n`,
    );
    await refused('CP_ERR_TOO_DEEP', 'chart', file, '--data', `${tmp.dir}/data.csv`, '-o', out('svg'));
  });

  it('body rows nested 1,000 levels in a report object are CP_ERR_TOO_DEEP from the library', async () => {
    let block: unknown = { text: 'x' };
    for (let i = 0; i < 1000; i++) block = { row: [block] };
    const report = { title: 'T', body: [block] } as ReportInput;
    expect(await codesOf(engine.render(report, { format: 'html' }))).toEqual(['CP_ERR_TOO_DEEP']);
  });
});

describe('values that contain themselves', () => {
  it('a recursive YAML alias in options.echarts is a cycle at its path', async () => {
    const file = tmp.write('cycle.yaml', reportYaml('options:\n      echarts: &e\n        self: *e'));
    const stderr = await refused('CP_ERR_TOO_DEEP', 'render', file, '-o', out());
    expect(stderr).toContain(
      'charts.c.options.echarts.self: refers to itself: this value is charts.c.options.echarts',
    );
  });

  it('a circular object given to the library is a cycle at its path', async () => {
    const echarts: Record<string, unknown> = { title: { text: 'x' } };
    echarts.loop = { back: echarts };
    const report = {
      title: 'T',
      datasets: { d: { source: 'inline', rows: [{ a: 'x', b: 1 }] } },
      charts: { c: { type: 'bar', data: { from: 'd' }, encode: { x: 'a', y: 'b' }, options: { echarts } } },
      body: [{ chart: 'c' }],
    } as ReportInput;
    const e = await engine.render(report, { format: 'html' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ChartpressError);
    const [p] = (e as ChartpressError).problems;
    expect(p?.code).toBe('CP_ERR_TOO_DEEP');
    expect(p?.path).toBe('charts.c.options.echarts.loop.back');
    expect(p?.message).toContain('charts.c.options.echarts');
  });

  it('a subtree shared by aliases is not a cycle', async () => {
    const file = tmp.write(
      'shared.yaml',
      reportYaml(
        'options:\n      echarts: { grid: &g { left: 40 }, xAxis: { axisLabel: { margin: 8 } }, yAxis: { x: *g } }',
      ),
    );
    const run = await cli('render', file, '-o', out());
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
  });
});

describe('report paths that are not regular files', () => {
  it('a directory is CP_ERR_FILE_READ for render, data and chart', async () => {
    expect(await refused('CP_ERR_FILE_READ', 'render', tmp.dir, '-o', out())).toMatch(/is a directory/);
    await refused('CP_ERR_FILE_READ', 'data', tmp.dir);
    await refused('CP_ERR_FILE_READ', 'chart', tmp.dir, '--data', `${tmp.dir}/data.csv`, '-o', out('svg'));
  });

  it('a FIFO with no writer is refused at once, not waited on', async () => {
    const fifo = `${tmp.dir}/report.fifo.yaml`;
    execFileSync('mkfifo', [fifo]);
    expect(await refused('CP_ERR_FILE_READ', 'render', fifo, '-o', out())).toMatch(/named pipe/);
    await refused('CP_ERR_FILE_READ', 'chart', fifo, '--data', `${tmp.dir}/data.csv`, '-o', out('svg'));
    expect(await codesOf(engine.render(fifo))).toEqual(['CP_ERR_FILE_READ']);
  });

  it('/dev/zero is refused without reading it', async () => {
    expect(await refused('CP_ERR_FILE_READ', 'render', '/dev/zero', '-o', out())).toMatch(/character device/);
    await refused('CP_ERR_FILE_READ', 'data', '/dev/zero');
    expect(await codesOf(engine.data('/dev/zero'))).toEqual(['CP_ERR_FILE_READ']);
  });

  it.runIf(process.platform === 'linux')(
    'a file whose stat size is 0 is still read only up to the limit',
    async () => {
      // /proc files report a size of 0; the limit must hold for what is actually read.
      const small = createEngine({ cache: false, limits: { maxReportBytes: 64 } });
      try {
        expect(await codesOf(small.render('/proc/self/maps'))).toEqual(['CP_ERR_FILE_TOO_LARGE']);
      } finally {
        await small.close();
      }
    },
  );
});

describe('dataset paths that are not regular files', () => {
  it('a FIFO as a CSV dataset is CP_ERR_DATA_READ, through a report and --data', async () => {
    const fifo = `${tmp.dir}/data.fifo.csv`;
    execFileSync('mkfifo', [fifo]);
    const file = tmp.write('fifo-data.yaml', reportYaml().replace('path: data.csv', `path: ${fifo}`));
    expect(await refused('CP_ERR_DATA_READ', 'render', file, '-o', out())).toMatch(/named pipe/);
    const chartFile = tmp.write('fifo-chart.yaml', chart);
    await refused('CP_ERR_DATA_READ', 'chart', chartFile, '--data', fifo, '-o', out('svg'));
  });

  it('/dev/zero as a CSV dataset is CP_ERR_DATA_READ', async () => {
    const file = tmp.write('zero-data.yaml', reportYaml().replace('path: data.csv', 'path: /dev/zero'));
    await refused('CP_ERR_DATA_READ', 'render', file, '-o', out());
    await refused('CP_ERR_DATA_READ', 'data', file);
    const chartFile = tmp.write('zero-chart.yaml', chart);
    await refused('CP_ERR_DATA_READ', 'chart', chartFile, '--data', '/dev/zero', '-o', out('svg'));
  });
});

describe('output formats', () => {
  it("format: 'docx' in the library is CP_ERR_INVALID_ENUM, not Typst source", async () => {
    const file = tmp.write('fmt.yaml', reportYaml());
    const e = await engine.render(file, { format: 'docx' as never }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ChartpressError);
    const [p] = (e as ChartpressError).problems;
    expect(p?.code).toBe('CP_ERR_INVALID_ENUM');
    expect(p?.message).toBe('format: expected one of pdf|html|typ, got "docx"');
    expect(await codesOf(engine.render(file, { format: '__proto__' as never }))).toEqual([
      'CP_ERR_INVALID_ENUM',
    ]);
  });
});

describe('names from data files on the terminal', () => {
  it('control characters in a column name are printed as escapes, one line per problem', async () => {
    tmp.write('esc.csv', 'a\x1b[2J\x07b,n\nx,1\n');
    const file = tmp.write('esc.yaml', reportYaml().replace('data.csv', 'esc.csv'));
    const stderr = await refused('CP_ERR_UNKNOWN_COLUMN', 'render', file, '-o', out());
    expect(stderr).toContain('a\\x1b[2J\\x07b');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them
    expect(stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  });
});
