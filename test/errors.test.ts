import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { compilePdf } from '../src/document/pdf.js';
import { createEngine } from '../src/engine.js';
import {
  ChartpressError,
  ErrorCatalog,
  type ErrorCode,
  type Problem,
  WarningCatalog,
  type WarningCode,
} from '../src/errors.js';
import { cli } from './helpers/cli.js';
import { tempDir } from './helpers/tmp.js';
import { inlineReport, startServer } from './server/helpers.js';

const tmp = tempDir();
tmp.write('data/sales.csv', 'date,region,amount\n2024-01-05,EU,10\n2024-02-07,US,20\n');
tmp.write('data/bad.csv', 'a,b\n1,"unclosed\n2,3\n');

/** A valid report, with one part replaced per test. */
function report(over: Record<string, string> = {}): string {
  const parts = {
    params: 'params:\n  n: { type: number, default: 1 }\n',
    datasets: 'datasets:\n  sales: { source: csv, path: data/sales.csv }\n',
    charts:
      'charts:\n  c:\n    type: bar\n    data: { from: sales, groupBy: [region], aggregate: { total: { op: sum, field: amount } } }\n    encode: { x: region, y: total }\n',
    body: 'body:\n  - chart: c\n',
    ...over,
  };
  return `title: T\n${parts.params}${parts.datasets}${parts.charts}${parts.body}`;
}

let n = 0;
function reportFile(text: string): string {
  return tmp.write(`r${n++}.yaml`, text);
}

/** Renders through the CLI and returns the codes printed on stderr. */
async function codesOf(...argv: string[]): Promise<{ codes: string[]; exit: number; stderr: string[] }> {
  const run = await cli(...argv);
  const codes = run.stderr.map((l) => /^(CP_ERR_[A-Z_]+)/.exec(l)?.[1]).filter((c): c is string => !!c);
  return { codes, exit: run.code, stderr: run.stderr };
}

const render = (file: string, ...extra: string[]) =>
  codesOf('render', file, '-o', `${tmp.dir}/out-${n++}.pdf`, ...extra);

/**
 * What a trigger saw: through the CLI, the codes printed and the exit code; through the library
 * (for codes the CLI cannot reach), the problems thrown or returned and what their message says.
 */
type Outcome =
  | { codes: string[]; exit: number }
  | { codes: string[]; problems: readonly Problem[]; says: RegExp };

const thrown = async (run: () => unknown, says: RegExp): Promise<Outcome> => {
  try {
    await run();
  } catch (e) {
    const problems = e instanceof ChartpressError ? e.problems : [];
    return { codes: problems.map((p) => p.code), problems, says };
  }
  return { codes: [], problems: [], says };
};

/** What a `chartpress serve` error response says: its code and problems. */
const answered = async (response: Promise<Response>, says: RegExp): Promise<Outcome> => {
  const body = (await (await response).json()) as { error: Problem; problems: Problem[] };
  return { codes: [body.error.code], problems: body.problems, says };
};

/** A server whose engine renders only once `release` is called. */
async function heldServer(limits: Record<string, number>) {
  const real = createEngine({ cache: false, pool: { threads: 1 } });
  let release = () => {};
  const held = new Promise<void>((r) => {
    release = r;
  });
  const render: typeof real.render = async (r, o) => {
    await held;
    return real.render(r, o);
  };
  const engine = { ...real, render };
  const server = await startServer({ root: tmp.dir, cacheDir: false, engine, limits });
  return { server, release };
}

/** One way to trigger each error code through the front door. */
const triggers: Record<ErrorCode, () => Promise<Outcome>> = {
  CP_ERR_FILE_NOT_FOUND: () => render(`${tmp.dir}/missing.yaml`),
  // Past the 5 MiB a report may take.
  CP_ERR_FILE_TOO_LARGE: () => render(reportFile(`${report()}# ${'x'.repeat(5 * 1024 * 1024)}\n`)),
  CP_ERR_FILE_READ: () => render(tmp.dir),
  CP_ERR_PARSE: () => render(reportFile('title: [unclosed\nbody: x\n')),
  CP_ERR_TOO_DEEP: () => render(reportFile(`title: T\nbody: ${'['.repeat(100)}${']'.repeat(100)}\n`)),
  CP_ERR_MISSING_FIELD: () => render(reportFile(report({ body: '' }))),
  CP_ERR_UNKNOWN_FIELD: () => render(reportFile(`${report()}colour: red\n`)),
  CP_ERR_INVALID_VALUE: () => render(reportFile(report({ body: 'body:\n  - chart: c\n  - text: [1]\n' }))),
  CP_ERR_INVALID_ENUM: () =>
    render(reportFile(report().replace('groupBy: [region]', 'groupBy: [{ field: date, bucket: mnth }]'))),
  CP_ERR_UNKNOWN_CHART: () => render(reportFile(report({ body: 'body:\n  - chart: nope\n' }))),
  CP_ERR_UNKNOWN_DATASET: () => render(reportFile(report().replace('from: sales', 'from: nope'))),
  CP_ERR_UNKNOWN_PARAM: () => render(reportFile(report()), '--param', 'nope=1'),
  CP_ERR_PARAM_TYPE: () => render(reportFile(report()), '--param', 'n=abc'),
  CP_ERR_UNKNOWN_COLUMN: () => render(reportFile(report().replace('groupBy: [region]', 'groupBy: [regio]'))),
  CP_ERR_EXPRESSION: () =>
    render(
      reportFile(
        report().replace('groupBy: [region]', 'calculate: { net: "amount * 2 +" }, groupBy: [region]'),
      ),
    ),
  CP_ERR_LOOKUP_MISSING_KEY: () =>
    render(
      reportFile(
        report({
          datasets:
            'datasets:\n  sales: { source: csv, path: data/sales.csv }\n  regions: { source: inline, rows: [{ region: EU, zone: west }] }\n',
        }).replace(
          'groupBy: [region]',
          'lookup: { from: regions, on: region, fields: [zone], onMissing: error }, groupBy: [region]',
        ),
      ),
    ),
  CP_ERR_LOOKUP_DUPLICATE_KEY: () =>
    render(
      reportFile(
        report({
          datasets:
            'datasets:\n  sales: { source: csv, path: data/sales.csv }\n  regions: { source: inline, rows: [{ region: EU, zone: west }, { region: EU, zone: east }] }\n',
        }).replace(
          'groupBy: [region]',
          'lookup: { from: regions, on: region, fields: [zone] }, groupBy: [region]',
        ),
      ),
    ),
  // Past the 1,000,000 rows a lookup holds, made smaller through the library.
  CP_ERR_LOOKUP_TOO_LARGE: () =>
    thrown(async () => {
      const { loadDimension } = await import('../src/data/lookup.js');
      const rows = (async function* () {
        yield* [{ region: 'EU' }, { region: 'US' }];
      })();
      await loadDimension('regions', rows, new Set(['region']), { maxRows: 1 });
    }, /dataset "regions" has more than 1 rows/),
  CP_ERR_TEMPLATE: () => render(reportFile(report({ body: 'body:\n  - text: "Total {{ c.nope }}"\n' }))),
  CP_ERR_AXIS_SCALE: () =>
    render(
      reportFile(
        report().replace(
          'encode: { x: region, y: total }',
          "encode: { x: region, y: total }\n    options: { rules: [{ x: 'Mars' }] }",
        ),
      ),
    ),
  CP_ERR_TOO_MANY_PANELS: () =>
    render(
      reportFile(
        report().replace(
          'encode: { x: region, y: total }',
          'encode: { x: region, y: total }\n    facet: { field: region, maxPanels: 1 }',
        ),
      ),
    ),
  CP_ERR_DATA_READ: () => render(reportFile(report().replace('path: data/sales.csv', 'path: data'))),
  CP_ERR_CSV_PARSE: () =>
    render(
      reportFile(
        report()
          .replace('sales.csv', 'bad.csv')
          .replace('[region]', '[a]')
          .replace('field: amount', 'field: b')
          .replace('x: region', 'x: a'),
      ),
    ),
  CP_ERR_CSV_HEADER_MISMATCH: () => {
    tmp.write('data/split/a.csv', 'date,region,amount\n2024-01-05,EU,10\n');
    tmp.write('data/split/b.csv', 'date,region,total\n2024-02-07,US,20\n');
    return render(reportFile(report().replace('path: data/sales.csv', 'path: data/split/*.csv')));
  },
  CP_ERR_GLOB_NO_MATCH: () =>
    render(reportFile(report().replace('path: data/sales.csv', 'path: data/*.nope'))),
  CP_ERR_GLOB_TOO_MANY: () =>
    thrown(async () => {
      const { matchFiles } = await import('../src/data/sources/glob.js');
      await matchFiles('data/*.csv', {
        baseDir: tmp.dir,
        maxFiles: 1,
        where: { path: 'datasets.sales.path' },
      });
    }, /matches more than 1 files/),
  CP_ERR_CHART_RENDER: () =>
    render(
      reportFile(
        report().replace(
          'encode: { x: region, y: total }',
          'encode: { x: region, y: total }\n    options: { echarts: { series: [{ type: nosuchseries }] } }',
        ),
      ),
    ),
  CP_ERR_CHART_TIMEOUT: () => {
    // 4000 bars take ECharts far longer than the 1 ms allowed.
    const rows = Array.from({ length: 4000 }, (_, i) => `k${i},${i % 97}`);
    tmp.write('data/many.csv', `k,v\n${rows.join('\n')}\n`);
    const text = report({
      datasets: 'datasets:\n  many: { source: csv, path: data/many.csv }\n',
      charts: 'charts:\n  c:\n    type: bar\n    data: { from: many }\n    encode: { x: k, y: v }\n',
    });
    return render(reportFile(text), '--chart-timeout', '1', '--no-cache', '--format', 'html');
  },
  // Library only: the Typst the engine writes always compiles.
  CP_ERR_DOCUMENT_COMPILE: () =>
    thrown(() => compilePdf({ source: '#let x = (', files: new Map() }), /^Typst failed: unclosed delimiter/),
  CP_ERR_OUTPUT_WRITE: () =>
    codesOf('render', reportFile(report()), '-o', `${tmp.write('a-file', 'x')}/out.pdf`),
  CP_ERR_OUTPUT_CLOBBER: () => {
    const self = reportFile(report());
    return codesOf('render', self, '-o', self, '--format', 'html');
  },
  CP_ERR_SQL_READ_ONLY: () => {
    const db = new Database(`${tmp.dir}/data/read-only.db`);
    db.exec('create table if not exists sales (region text, amount real)');
    db.close();
    const dataset = '{ source: sqlite, path: data/read-only.db, query: "delete from sales returning *" }';
    return render(reportFile(report().replace('{ source: csv, path: data/sales.csv }', dataset)));
  },
  // Library only: file roots are an engine option.
  CP_ERR_PATH_DENIED: async () => {
    const engine = createEngine({ cache: false, files: { roots: [`${tmp.dir}/elsewhere`] } });
    const outcome = await thrown(
      () => engine.render(reportFile(report())),
      /r\d+\.yaml is outside the folders/,
    );
    await engine.close();
    return outcome;
  },
  CP_ERR_USAGE: () => codesOf('render', reportFile(report())),
  CP_ERR_CONNECTION_DENIED: async () => {
    const server = await startServer({ root: tmp.dir, cacheDir: false });
    const json = { ...inlineReport(), datasets: { sales: { source: 'postgres', url: 'postgres://x/y' } } };
    return answered(server.call('/v1/render', { json }), /database URL/);
  },
  CP_ERR_REQUEST_TOO_LARGE: async () => {
    const server = await startServer({ root: tmp.dir, cacheDir: false, limits: { inlineRows: 2 } });
    return answered(server.call('/v1/render', { json: inlineReport() }), /3 inline rows/);
  },
  CP_ERR_UNAUTHORIZED: async () => {
    const tokens = tmp.write('tokens.txt', 'a-token-of-sixteen-characters-at-least\n');
    const server = await startServer({ root: tmp.dir, cacheDir: false, tokenFile: tokens });
    return answered(server.call('/v1/schema'), /no bearer token/);
  },
  CP_ERR_RATE_LIMITED: async () => {
    const server = await startServer({ root: tmp.dir, cacheDir: false, limits: { rateLimit: 1 } });
    await server.call('/v1/schema');
    return answered(server.call('/v1/schema'), /over the limit of 1 requests/);
  },
  CP_ERR_OVERLOADED: async () => {
    const { server, release } = await heldServer({ concurrency: 1, queue: 0 });
    const first = server.call('/v1/render', { json: inlineReport() });
    await new Promise((r) => setTimeout(r, 100));
    const outcome = await answered(server.call('/v1/render', { json: inlineReport() }), /under way/);
    release();
    await first;
    return outcome;
  },
  CP_ERR_DEADLINE: async () => {
    const { server, release } = await heldServer({ deadlineMs: 100 });
    const outcome = await answered(server.call('/v1/render', { json: inlineReport() }), /longer than 100 ms/);
    release();
    return outcome;
  },
  CP_ERR_NOT_FOUND: async () => {
    const server = await startServer({ root: tmp.dir, cacheDir: false });
    return answered(server.call('/v1/reports/nothing', { method: 'POST' }), /no report "nothing"/);
  },
  CP_ERR_QUEUE_UNAVAILABLE: () => codesOf('jobs', '--redis', 'redis://127.0.0.1:1'),
  CP_ERR_INTERNAL: async () => {
    const real = createEngine({ cache: false });
    const engine = { ...real, render: async () => Promise.reject(new Error('disk on fire')) };
    const server = await startServer({ root: tmp.dir, cacheDir: false, engine });
    return answered(server.call('/v1/render', { json: inlineReport() }), /could not complete/);
  },
};

const warningOf = async (...argv: string[]) => {
  const run = await cli(...argv);
  return run.stderr.map((l) => /^warning: (CP_WARN_[A-Z_]+)/.exec(l)?.[1]).filter((c): c is string => !!c);
};

/** One way to raise each warning through the front door. */
const warningTriggers: Record<WarningCode, () => Promise<string[]>> = {
  CP_WARN_INVALID_VALUES: () => {
    tmp.write('data/dirty.csv', 'region,amount\nEU,10\nEU,n/a\n');
    return warningOf(
      'render',
      reportFile(report().replace('sales.csv', 'dirty.csv')),
      '-o',
      `${tmp.dir}/w1.html`,
    );
  },
  CP_WARN_PUSHDOWN_FALLBACK: () => {
    const db = new Database(`${tmp.dir}/data/shop.db`);
    db.exec(
      "create table if not exists sales (region text, amount real); insert into sales values ('EU', 1)",
    );
    db.close();
    const text = report()
      .replace(
        '{ source: csv, path: data/sales.csv }',
        '{ source: sqlite, path: data/shop.db, table: sales }',
      )
      .replace('op: sum', 'op: median');
    return warningOf('render', reportFile(text), '-o', `${tmp.dir}/w2.html`);
  },
  CP_WARN_CACHE_UNAVAILABLE: () =>
    warningOf(
      'render',
      reportFile(report()),
      '-o',
      `${tmp.dir}/w3.html`,
      '--redis',
      'redis://127.0.0.1:1',
      '--cache-dir',
      `${tmp.dir}/cache-w3`,
    ),
};

describe('warning catalog', () => {
  it.each(Object.keys(WarningCatalog) as WarningCode[])('%s is raised, once', async (code) => {
    const codes = await warningTriggers[code]();
    expect(codes).toEqual([code]);
  });
});

describe('error catalog', () => {
  it.each(Object.keys(ErrorCatalog) as ErrorCode[])('%s is triggered by bad input', async (code) => {
    const outcome = await triggers[code]();
    expect(outcome.codes).toContain(code);
    if ('exit' in outcome) expect(outcome.exit).toBe(code === 'CP_ERR_USAGE' ? 2 : 1);
    else {
      const found = outcome.problems.find((p) => p.code === code);
      expect(found?.message).toMatch(outcome.says);
      expect(found?.hint.length).toBeGreaterThan(5);
    }
  });

  it('the README tables are the catalogs, row for row, titles and hints included', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').split('\n');
    const table = (prefix: string) => readme.filter((l) => l.startsWith(`| \`${prefix}`));
    const rows = (catalog: Record<string, { title: string; hint: string }>) =>
      Object.entries(catalog).map(([code, e]) => `| \`${code}\` | ${e.title} | ${e.hint} |`);
    for (const entry of Object.values(ErrorCatalog)) expect(entry.hint.length).toBeGreaterThan(5);
    expect(table('CP_ERR_')).toEqual(rows(ErrorCatalog));
    expect(table('CP_WARN_')).toEqual(rows(WarningCatalog));
  });
});
