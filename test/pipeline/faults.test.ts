import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { beatingThreads, stopsGrowing, testRenderers } from '../pool/helpers.js';

const tmp = tempDir();
tmp.write('data/sales.csv', 'region,amount\nEU,10\nUS,20\n');
const chart = (type: string, title: string, options = '') =>
  `    type: ${type}\n    title: ${title}\n    data: { from: sales }\n    encode: { x: region, y: amount }\n${options ? `    options: ${options}\n` : ''}`;
const reportOf = (charts: Record<string, string>) =>
  tmp.write(
    `r${Math.random().toString(36).slice(2)}.yaml`,
    `title: Faults\ndatasets:\n  sales: { source: csv, path: data/sales.csv }\ncharts:\n${Object.entries(
      charts,
    )
      .map(([id, c]) => `  ${id}:\n${c}`)
      .join('')}body:\n${Object.keys(charts)
      .map((id) => `  - chart: ${id}\n`)
      .join('')}`,
  );

describe('a chart that hangs', () => {
  it('is stopped at its timeout and drawn as a placeholder while the others render', async () => {
    // Bar charts go through the test renderer; the line and pie charts through ECharts.
    const engine = createEngine({ cache: false, pool: { threads: 2, renderers: { bar: testRenderers } } });
    const beat = join(tmp.dir, 'stuck.beat');
    const report = reportOf({
      stuck: chart('bar', `spin ${beat}`, '{ timeoutMs: 1000 }'),
      line: chart('line', 'Line'),
      pie: chart('pie', 'Pie'),
      box: chart('bar', 'Box'),
    });
    const result = await engine.render(report, { format: 'html' });
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([
      ['stuck', 'failed'],
      ['line', 'rendered'],
      ['pie', 'rendered'],
      ['box', 'rendered'],
    ]);
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'CP_ERR_CHART_TIMEOUT', path: 'charts.stuck' });
    expect(result.problems[0]?.message).toContain('chart "stuck" took longer than 1000 ms and was stopped');
    const html = result.output as string;
    expect(html).toContain('data-chart="stuck" data-status="failed"');
    expect(html).toContain('CP_ERR_CHART_TIMEOUT');
    expect(engine.poolStats()).toMatchObject({ timedOut: 1, threads: 2 });
    // Stopped, not abandoned: the thread that drew it beat, and beats no more.
    expect(beatingThreads(beat)).toHaveLength(1);
    expect(await stopsGrowing(beat)).toBe(true);
    await engine.close();
    expect(engine.poolStats().threads).toBe(0);
  });

  it('keeps its own timeout out of its key', async () => {
    const engine = createEngine({ cache: false, pool: { threads: 1 } });
    const a = await engine.render(reportOf({ c: chart('bar', 'T') }), { format: 'typ' });
    const b = await engine.render(reportOf({ c: chart('bar', 'T', '{ timeoutMs: 5000 }') }), {
      format: 'typ',
    });
    expect(b.charts[0]?.key).toBe(a.charts[0]?.key);
    await engine.close();
  });
});

describe('a chart that throws', () => {
  it('becomes a placeholder on a worker too; the report completes', async () => {
    const engine = createEngine({
      cache: false,
      pool: { threads: 2, inProcessBelowMs: 0, renderers: { bar: testRenderers } },
    });
    const result = await engine.render(
      reportOf({ bad: chart('bar', 'throw'), good: chart('line', 'Good') }),
      {
        format: 'typ',
      },
    );
    expect(result.charts.map((c) => [c.id, c.status])).toEqual([
      ['bad', 'failed'],
      ['good', 'rendered'],
    ]);
    expect(result.problems[0]).toMatchObject({ code: 'CP_ERR_CHART_RENDER', path: 'charts.bad' });
    expect(result.problems[0]?.message).toContain('chart "bad" failed: the test renderer throws');
    await engine.close();
  });

  it('makes the CLI exit 1, naming the chart and the reason', async () => {
    const report = reportOf({
      bad: chart('bar', 'Bad', '{ echarts: { series: [{ type: nosuchseries }] } }'),
      good: chart('bar', 'Good'),
    });
    const out = join(tmp.dir, 'faults.pdf');
    const run = await cli(
      'render',
      report,
      '-o',
      out,
      '--no-cache',
      '--concurrency',
      '2',
      '--chart-timeout',
      '20000',
    );
    expect(run.code).toBe(1);
    const lines = run.stderr.filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^CP_ERR_CHART_RENDER .*: charts\.bad\.options\.echarts\.series\[0\]\.type: .*"nosuchseries" is not available/,
    );
    expect(run.stdout[0]).toMatch(/2 charts, 1 rendered, 0 cached, 1 failed/);
  });

  it('refuses a bad --concurrency as a usage error', async () => {
    const run = await cli(
      'render',
      reportOf({ c: chart('bar', 'C') }),
      '-o',
      join(tmp.dir, 'x.pdf'),
      '--concurrency',
      '0',
    );
    expect(run.code).toBe(2);
    expect(run.stderr[0]).toMatch(
      /^CP_ERR_USAGE --concurrency expects a whole number from 1 to \d+, got "0"/,
    );
  });
});
