import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type ReportInput } from '../../src/index.js';
import { chromiumFound, launchChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/tmp.js';

const found = chromiumFound('test/document/live-browser.test.ts', 'the interactive HTML browser tests');

/** Where the test leaves its screenshot of a tooltip, for a person to look at. */
const SCREENSHOT = join(tmpdir(), 'chartpress-interactive-tooltip.png');

/** A label that would run code if a tooltip wrote it as HTML. */
const HOSTILE = '<img src=x onerror="window.cpPwned=1">';

const REPORT: ReportInput = {
  title: 'Live in a browser',
  interactive: true,
  datasets: {
    sales: {
      source: 'inline',
      rows: [
        { product: 'Alpha', region: 'EU', amount: 120 },
        { product: 'Alpha', region: 'US', amount: 80 },
        { product: 'Beta', region: 'EU', amount: 60 },
        { product: 'Beta', region: 'US', amount: 150 },
      ],
    },
    hostile: {
      source: 'inline',
      rows: [{ name: HOSTILE, n: 3 }],
    },
    daily: {
      source: 'inline',
      rows: Array.from({ length: 90 }, (_, i) => ({
        day: new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
        visits: 1000 + ((i * 37) % 23) * 40,
      })),
    },
  },
  charts: {
    sales: {
      type: 'bar',
      title: 'Sales by product',
      data: { from: 'sales' },
      encode: { x: 'product', y: 'amount', series: 'region' },
      options: { numberFormat: '$,.0f', width: 560, height: 320 },
    },
    hostile: {
      type: 'pie',
      title: 'Hostile',
      data: { from: 'hostile' },
      encode: { x: 'name', y: 'n' },
      options: { width: 300, height: 200 },
    },
    visits: {
      type: 'line',
      title: 'Daily visits',
      data: { from: 'daily' },
      encode: { x: 'day', y: 'visits' },
      options: { width: 560, height: 280 },
    },
  },
  body: [{ heading: 'Sales' }, { chart: 'sales' }, { chart: 'visits' }, { chart: 'hostile' }],
};

/** What the page's ECharts instance tells of itself (run in the page). */
interface ChartView {
  readonly live: boolean;
  readonly legend: Record<string, boolean>;
  readonly dataZoom: number;
  readonly bars: number;
  readonly at: readonly [number, number];
}

describe.skipIf(!found)('interactive HTML in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  const profile = mkdtempSync(join(tmpdir(), 'chartpress-chromium-'));
  const messages: string[] = [];
  const requests: string[] = [];
  let url: string;

  beforeAll(async () => {
    const tmp = tempDir();
    const engine = createEngine({ cache: false, pool: { threads: 1 } });
    try {
      const { output } = await engine.render(REPORT, { format: 'html' });
      url = pathToFileURL(tmp.write('live.html', output as string)).href;
    } finally {
      await engine.close();
    }
    context = await launchChromium(profile, { width: 1000, height: 900 });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') messages.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(url);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  /** The ECharts instance drawn in a figure, as the page sees it. */
  const view = (id: string) =>
    page.evaluate((chartId) => {
      type Instance = {
        getOption(): { legend?: { selected?: Record<string, boolean> }[]; dataZoom?: unknown[] };
        getModel(): {
          getSeriesByIndex(i: number):
            | {
                getData(): {
                  getItemLayout(i: number): { x: number; y: number; width: number; height: number };
                };
              }
            | undefined;
        };
      };
      const w = globalThis as unknown as {
        echarts: { getInstanceByDom(el: unknown): Instance | undefined };
        document: { querySelector(s: string): { querySelectorAll(s: string): { length: number } } | null };
      };
      const box = w.document.querySelector(`figure[data-chart="${chartId}"] .cp-live`);
      const chart = box ? w.echarts.getInstanceByDom(box) : undefined;
      if (!chart || !box) return { live: false, legend: {}, dataZoom: 0, bars: 0, at: [0, 0] } as ChartView;
      const option = chart.getOption();
      // The middle of the US bar of Beta (series 1, item 1).
      const bar = chart.getModel().getSeriesByIndex(1)?.getData().getItemLayout(1);
      const at: [number, number] = bar?.width ? [bar.x + bar.width / 2, bar.y + bar.height / 2] : [0, 0];
      return {
        live: true,
        legend: option.legend?.[0]?.selected ?? {},
        dataZoom: option.dataZoom?.length ?? 0,
        bars: box.querySelectorAll('svg path').length,
        at,
      } satisfies ChartView;
    }, id);

  it('draws every chart live with ECharts, its static SVG hidden', async () => {
    expect(await page.locator('.cp-chart.cp-on').count()).toBe(3);
    expect(await page.locator('.cp-live svg').count()).toBe(3);
    expect((await view('sales')).live).toBe(true);
    expect((await view('visits')).live).toBe(true);
    expect(await page.locator('.cp-chart > svg').first().isVisible()).toBe(false);
    expect(await page.locator('.cp-live').first().isVisible()).toBe(true);
  });

  it('zooms the long line series', async () => {
    expect((await view('visits')).dataZoom).toBe(1);
    expect((await view('sales')).dataZoom).toBe(0);
  });

  it('shows a tooltip with the formatted value over a bar', async () => {
    const figure = page.locator('figure[data-chart="sales"] .cp-live');
    await figure.scrollIntoViewIfNeeded();
    const { at } = await view('sales');
    const box = (await page.locator('figure[data-chart="sales"] .cp-live').boundingBox())!;
    await page.mouse.move(box.x + at[0], box.y + at[1]);
    const tooltip = page.locator('figure[data-chart="sales"] .cp-live > div:not(:first-child)');
    const shown = tooltip.filter({ hasText: '$150' });
    await shown.waitFor({ state: 'visible', timeout: 5000 });
    expect(await shown.textContent()).toMatch(/US.*Beta.*\$150/);
    await page.screenshot({ path: SCREENSHOT });
  });

  it('heads the tooltip of the line by the day, as the axis labels write dates', async () => {
    const figure = page.locator('figure[data-chart="visits"] .cp-live');
    await figure.scrollIntoViewIfNeeded();
    const box = (await figure.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const tooltip = figure.locator('> div:not(:first-child)').filter({ hasText: 'visits' });
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    expect(await tooltip.textContent()).toMatch(/^(Jan|Feb|Mar) \d{1,2} 2025\s*visits\s*[\d,]+$/);
    await page.mouse.move(0, 0);
  });

  it('writes a hostile label in a tooltip as text', async () => {
    const figure = page.locator('figure[data-chart="hostile"] .cp-live');
    await figure.scrollIntoViewIfNeeded();
    const slice = await page.evaluate(() => {
      const w = globalThis as unknown as {
        echarts: { getInstanceByDom(el: unknown): { getModel(): unknown } | undefined };
        document: { querySelector(s: string): unknown };
      };
      const chart = w.echarts.getInstanceByDom(
        w.document.querySelector('figure[data-chart="hostile"] .cp-live'),
      );
      const model = chart?.getModel() as {
        getSeriesByIndex(i: number): {
          getData(): { getItemLayout(i: number): { cx: number; cy: number; r: number } };
        };
      };
      return model.getSeriesByIndex(0).getData().getItemLayout(0);
    });
    const box = (await figure.boundingBox())!;
    await page.mouse.move(box.x + slice.cx + slice.r / 2, box.y + slice.cy);
    const tooltip = figure.locator('> div:not(:first-child)').filter({ hasText: 'onerror' });
    await tooltip.waitFor({ state: 'visible', timeout: 5000 });
    expect(await tooltip.textContent()).toContain(HOSTILE);
    expect(await tooltip.locator('img').count()).toBe(0);
    expect(
      await page.evaluate(() => (globalThis as unknown as { cpPwned?: number }).cpPwned),
    ).toBeUndefined();
    await page.mouse.move(0, 0);
  });

  it('hides a series when its legend item is clicked', async () => {
    const before = await view('sales');
    // No selection yet means every series is shown.
    expect(before.legend.US).not.toBe(false);
    await page.mouse.move(0, 0);
    await page.locator('figure[data-chart="sales"] .cp-live svg text', { hasText: /^US$/ }).click();
    await expect.poll(async () => (await view('sales')).legend.US).toBe(false);
    const after = await view('sales');
    expect(after.legend.EU).not.toBe(false);
    expect(after.bars).toBeLessThan(before.bars);
  });

  it('logs no error and fetches nothing but the page', () => {
    expect(messages).toEqual([]);
    expect(requests).toEqual([url]);
  });
});
