import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { echartsRuntime, jsonScriptSafe, scriptSafe } from '../../src/document/live.js';
import { createEngine, type ReportInput } from '../../src/index.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const HOSTILE = '</script><script>alert(1)</script><!--';

const REPORT: ReportInput = {
  title: 'Live charts',
  datasets: {
    sales: {
      source: 'inline',
      rows: [
        { region: 'EU', product: 'A', amount: 10 },
        { region: 'US', product: 'A', amount: 20 },
        { region: HOSTILE, product: 'B', amount: 5 },
        { region: 'EU', product: 'B', amount: 7 },
      ],
    },
    tasks: {
      source: 'inline',
      rows: [{ task: 'Plan', start: '2025-01-01', end: '2025-02-01' }],
    },
  },
  charts: {
    byRegion: {
      type: 'bar',
      title: HOSTILE,
      data: {
        from: 'sales',
        groupBy: ['region', 'product'],
        aggregate: { total: { op: 'sum', field: 'amount' } },
      },
      encode: { x: 'region', y: 'total', series: 'product' },
    },
    share: {
      type: 'pie',
      title: 'Share',
      data: { from: 'sales', groupBy: ['product'], aggregate: { total: { op: 'sum', field: 'amount' } } },
      encode: { x: 'product', y: 'total' },
    },
    plan: {
      type: 'gantt',
      title: 'Plan',
      data: { from: 'tasks' },
      encode: { x: 'start', x2: 'end', y: 'task' },
    },
  },
  body: [{ chart: 'byRegion' }, { chart: 'share' }, { chart: 'byRegion' }, { chart: 'plan' }],
};

const engine = createEngine({ cache: false, pool: { threads: 1 } });
afterAll(() => engine.close());

const html = async (report: ReportInput, interactive?: boolean) =>
  (await engine.render(report, { format: 'html', ...(interactive === undefined ? {} : { interactive }) }))
    .output as string;

/** Every `<script ...>` start tag, with its attributes. */
const scriptTags = (page: string) => [...page.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);

/** The JSON option scripts' contents, by id. */
function options(page: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of page.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g))
    out.set(m[1]!, m[2]!);
  return out;
}

describe('interactive HTML', () => {
  it('embeds the runtime once, one JSON option per distinct chart, each figure keeping its SVG', async () => {
    const page = await html(REPORT, true);
    const tags = scriptTags(page);
    // The runtime, two options (bar, pie; the bar placed twice shares one), the shim: no other.
    expect(tags).toEqual([
      '<script>',
      '<script type="application/json" id="cp-o0">',
      '<script type="application/json" id="cp-o1">',
      '<script>',
    ]);
    expect(page.split('echarts.init').length - 1).toBe(1);
    expect(page).toContain(echartsRuntime('common').slice(0, 200));
    const opts = options(page);
    expect([...opts.keys()]).toEqual(['cp-o0', 'cp-o1']);
    // Three live placements, each around the static SVG shown until (and unless) the script runs.
    const boxes = [...page.matchAll(/<div class="cp-chart" data-cp-option="(cp-o\d)"><svg\b/g)].map(
      (m) => m[1],
    );
    expect(boxes).toEqual(['cp-o0', 'cp-o1', 'cp-o0']);
    // The gantt chart (a custom series) stays static: a figure with its SVG and no box.
    expect(page).toMatch(/<figure data-chart="plan" data-status="rendered"><svg\b/);
    for (const json of opts.values()) {
      const spec = JSON.parse(json) as { width: number; height: number; option: unknown; fns: unknown[] };
      expect(spec.width).toBeGreaterThan(0);
      expect(JSON.stringify(spec.option)).not.toContain('function');
    }
  });

  it('escapes a hostile title and label in the JSON, which still reads back as given', async () => {
    const page = await html(REPORT, true);
    const json = options(page).get('cp-o0')!;
    expect(json).not.toMatch(/<\/script|<!--/i);
    const { option } = JSON.parse(json) as {
      option: {
        title: { text: string }[] | { text: string };
        xAxis: { data: string[] }[] | { data: string[] };
      };
    };
    const title = Array.isArray(option.title) ? option.title[0]! : option.title;
    expect(title.text).toBe(HOSTILE);
    const x = Array.isArray(option.xAxis) ? option.xAxis[0]! : option.xAxis;
    expect(x.data).toContain(HOSTILE);
    // Only the page's own four scripts: nothing the data wrote starts one.
    expect(page.match(/<script/gi)).toHaveLength(4);
    expect(page).not.toContain('<script>alert(1)');
  });

  it('stays static and script-free without the flag, or with interactive: false', async () => {
    const plain = await html(REPORT);
    expect(plain).not.toMatch(/<script|cp-chart|cp-live/i);
    expect(await html(REPORT, false)).toBe(plain);
    expect(await html({ ...REPORT, interactive: true }, false)).toBe(plain);
  });

  it('takes interactive: true from the report', async () => {
    const page = await html({ ...REPORT, interactive: true });
    expect(scriptTags(page)).toHaveLength(4);
  });

  it('is ignored by Typst (and so PDF) output', async () => {
    const typ = async (report: ReportInput, interactive?: boolean) =>
      (await engine.render(report, { format: 'typ', ...(interactive ? { interactive } : {}) })).output;
    const plain = await typ(REPORT);
    expect(await typ({ ...REPORT, interactive: true }, true)).toBe(plain);
  });

  it('embeds the full runtime when a chart needs more than the common build (a heatmap)', async () => {
    const report: ReportInput = {
      title: 'Heat',
      datasets: {
        grid: {
          source: 'inline',
          rows: [
            { x: 'a', y: 'p', v: 1 },
            { x: 'b', y: 'q', v: 2 },
          ],
        },
      },
      charts: { heat: { type: 'heatmap', data: { from: 'grid' }, encode: { x: 'x', y: 'y', color: 'v' } } },
      body: [{ chart: 'heat' }],
    };
    const page = await html(report, true);
    expect(page).toContain(echartsRuntime('full').slice(-200));
    expect(scriptTags(page)).toHaveLength(3);
  });

  it('keeps static and live documents apart in the document store', async () => {
    const tmp = tempDir();
    tmp.write('data.csv', 'k,v\na,1\nb,2\n');
    const file = tmp.write(
      'report.yaml',
      'title: Stored\ndatasets: { d: { source: csv, path: data.csv } }\ncharts: { c: { type: bar, data: { from: d }, encode: { x: k, y: v } } }\nbody: [{ chart: c }]\n',
    );
    const stored = createEngine({
      cache: { memory: true, disk: resolve(tmp.dir, 'cache'), documents: true },
    });
    try {
      const first = (await stored.render(file, { format: 'html' })).output as string;
      const live = (await stored.render(file, { format: 'html', interactive: true })).output as string;
      const again = (await stored.render(file, { format: 'html' })).output as string;
      expect(first).not.toContain('<script');
      expect(scriptTags(live)).toHaveLength(3);
      expect(again).toBe(first);
      expect((await stored.render(file, { format: 'html', interactive: true })).output).toBe(live);
    } finally {
      await stored.close();
    }
  });

  it('is asked for on the command line with --interactive', async () => {
    const tmp = tempDir();
    const report = tmp.write('report.json', JSON.stringify(REPORT));
    const run = async (...flags: string[]) => {
      const out = join(tmp.dir, `out${flags.join('')}.html`);
      const { code } = await cli('render', report, '-o', out, '--quiet', '--no-cache', ...flags);
      expect(code).toBe(0);
      return readFileSync(out, 'utf8');
    };
    expect(scriptTags(await run('--interactive'))).toHaveLength(4);
    expect(await run()).not.toContain('<script');
  });

  it('measures the size cost on the sales example', async () => {
    const file = resolve('examples/sales/report.yaml');
    const bytes = async (interactive: boolean) =>
      Buffer.byteLength((await engine.render(file, { format: 'html', interactive })).output as string);
    const [plain, live] = [await bytes(false), await bytes(true)];
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `examples/sales/report.yaml HTML: static ${kb(plain)}, interactive ${kb(live)} (+${kb(live - plain)}; the echarts.common runtime is ${kb(Buffer.byteLength(echartsRuntime('common')))}, the full one ${kb(Buffer.byteLength(echartsRuntime('full')))})`,
    );
    expect(live).toBeGreaterThan(plain);
  }, 60_000);
});

describe('script escaping', () => {
  it('breaks </script and <!-- in any case, leaving other text as it is', () => {
    expect(scriptSafe('a</SCRIPT>b<!--c</div>')).toBe('a\\u003c/SCRIPT>b\\u003c!--c</div>');
    expect(jsonScriptSafe(JSON.stringify({ t: '</script><!--\u2028' }))).toBe(
      '{"t":"\\u003c/script>\\u003c!--\\u2028"}',
    );
    expect(JSON.parse(jsonScriptSafe(JSON.stringify({ t: HOSTILE })))).toEqual({ t: HOSTILE });
  });
});
