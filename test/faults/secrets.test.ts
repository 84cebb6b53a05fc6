import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Secrets, urlSecrets } from '../../src/data/secrets.js';
import { createEngine } from '../../src/engine.js';
import { ChartpressError } from '../../src/errors.js';
import { OpenTelemetryTracing } from '../../src/telemetry/otel.js';
import { cli } from '../helpers/cli.js';
import { pdfText } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';
import { recordChannels } from '../telemetry/helpers.js';

/** Passwords that must never be seen: from the environment (two, one needing encoding) and written out. */
const SECRET = 'Zq9vK2-s3cr3t-from-env';
const AWKWARD = 'Wx7p@ssHost/pathy#frag?q';
const WRITTEN = 'Jm4t-written-in-the-report';
const all = [SECRET, AWKWARD, WRITTEN];

const tmp = tempDir();
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: the report's own ${VAR} syntax
const datasets = {
  // The server answers, the database does not exist.
  nodb: 'postgres://postgres:${CP_TEST_SECRET}@127.0.0.1:5432/nope',
  // Nothing listens.
  noport: 'postgres://postgres:${CP_TEST_SECRET}@127.0.0.1:1/test',
  nohost: 'postgres://postgres:${CP_TEST_SECRET}@no-such-host.invalid:5432/test',
  // Unencoded @ / # ? would move part of the password into the host and path.
  awkward: 'postgres://postgres:${CP_TEST_SECRET_AWKWARD}@127.0.0.1:5432/test',
  written: `postgres://postgres:${WRITTEN}@127.0.0.1:1/test`,
  // The server echoes the value that fails (the password, used in the query).
  echoed: 'postgres://postgres:${CP_TEST_SECRET}@127.0.0.1:5432/test',
};
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the report's own ${VAR} syntax
const names = Object.keys(datasets);
const lines = [
  'title: Secrets',
  'datasets:',
  ...names.map((n) => {
    const query = n === 'echoed' ? `select '${SECRET}'::int as x` : 'select 1 as x';
    return `  ${n}: { source: postgres, url: "${datasets[n as keyof typeof datasets]}", query: "${query}", timeoutMs: 3000 }`;
  }),
  'charts:',
  ...names.map((n) => `  c_${n}: { type: bar, data: { from: ${n} }, encode: { x: x, y: x } }`),
  'body:',
  ...names.map((n) => `  - chart: c_${n}`),
  ...names.map((n) => `  - table: { data: { from: ${n} } }`),
];
/** Each dataset feeds a chart and a table, which show the reason they failed. */
const report = tmp.write('secrets.yaml', lines.join('\n'));
/** Inline data only, for the cache's Redis URL. */
const inline = tmp.write(
  'inline.yaml',
  'title: T\ndatasets:\n  d: { source: inline, rows: [{ x: a, y: 1 }] }\ncharts:\n  c: { type: bar, data: { from: d }, encode: { x: x, y: y } }\nbody:\n  - chart: c\n',
);

/** Fails the test naming where a secret showed. */
function expectNoSecret(where: string, text: string): void {
  for (const s of all) expect(text.includes(s), `${where} shows ${s}`).toBe(false);
}

describe('connection passwords never leave the process', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    process.env.CP_TEST_SECRET = SECRET;
    process.env.CP_TEST_SECRET_AWKWARD = AWKWARD;
  });
  afterAll(() => {
    process.env.CP_TEST_SECRET = saved.CP_TEST_SECRET;
    process.env.CP_TEST_SECRET_AWKWARD = saved.CP_TEST_SECRET_AWKWARD;
    if (saved.CP_TEST_SECRET === undefined) delete process.env.CP_TEST_SECRET;
    if (saved.CP_TEST_SECRET_AWKWARD === undefined) delete process.env.CP_TEST_SECRET_AWKWARD;
  });

  for (const format of ['html', 'pdf'] as const) {
    it(`CLI to ${format} with --stats json: not in stdout, stderr, the document or telemetry`, async () => {
      const channels = recordChannels();
      const out = join(tmp.dir, `out.${format}`);
      const run = await cli('render', report, '-o', out, '--stats', 'json');
      expect(run.code).toBe(1);
      const stderr = run.stderr.join('\n');
      // Every dataset failed, each with a coded line.
      for (const n of names) expect(stderr).toMatch(new RegExp(`^CP_ERR_[A-Z_]+ .*datasets\\.${n}\\.`, 'm'));
      expect(stderr).not.toContain('internal error');
      expectNoSecret('stderr', stderr);
      expectNoSecret('stdout', run.stdout.join('\n'));
      const bytes = readFileSync(out);
      const text = format === 'pdf' ? await pdfText(bytes) : bytes.toString('utf8');
      expect(text).toContain('c_nodb'); // the placeholders are there, with their reasons
      expectNoSecret(format, text);
      if (format === 'pdf') expectNoSecret('raw PDF', bytes.toString('latin1'));
      expect(channels.seen.length).toBeGreaterThan(0);
      expectNoSecret('diagnostics channels', inspect(channels.seen, { depth: 12, showHidden: true }));
    });
  }

  it("the cache's Redis URL: its password is not in the warning", async () => {
    const out = join(tmp.dir, 'redis.html');
    const redis = `redis://ann:${WRITTEN}@127.0.0.1:1`;
    const run = await cli(
      'render',
      inline,
      '-o',
      out,
      '--redis',
      redis,
      '--cache-dir',
      join(tmp.dir, 'cache'),
    );
    expect(run.code).toBe(0);
    const stderr = run.stderr.join('\n');
    expect(stderr).toContain('CP_WARN_CACHE_UNAVAILABLE');
    expectNoSecret('stderr', stderr);
  });

  it('library: not in problems, warnings, chart errors, the output, thrown errors or spans', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    trace.setGlobalTracerProvider(provider);
    const otel = new OpenTelemetryTracing().attach();
    const engine = createEngine({ cache: false });
    try {
      const result = await engine.render(report, { format: 'html' });
      expect(result.problems.length).toBeGreaterThan(0);
      expectNoSecret('result', inspect(result, { depth: 12, maxStringLength: Infinity }));
      const e = await engine.data(report).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ChartpressError);
      expectNoSecret('data() error', inspect(e, { depth: 12, showHidden: true }));
      const charts = await engine.charts(report);
      for (const get of charts.values()) expectNoSecret('lazy chart', (await get()).svg);
      expectNoSecret('spans', inspect(exporter.getFinishedSpans(), { depth: 8 }));
    } finally {
      otel.detach();
      await engine.close();
      await provider.shutdown();
      trace.disable();
    }
  });
});

describe('Secrets', () => {
  it('finds a password however it is written, and scrubs each form', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the report's own ${VAR} syntax
    const found = urlSecrets('postgres://ann:${P}@db/x', { P: 'a b%2Fc' });
    expect(found).toEqual(expect.arrayContaining(['a b%2Fc', 'a b/c']));
    const fromParam = urlSecrets('postgres://db/x?password=p%40ss&user=ann', {});
    expect(fromParam).toEqual(expect.arrayContaining(['p%40ss', 'p@ss']));
    const secrets = new Secrets().add(found);
    expect(secrets.scrub('failed for a b/c and a b%2Fc')).toBe('failed for *** and ***');
  });
});
