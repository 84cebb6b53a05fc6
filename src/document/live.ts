import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { RenderedChart } from './model.js';

/*
 * Live charts in an HTML page. Each chart's static SVG stays in its figure, where it is what the
 * page shows until the script runs, and what it keeps showing without scripts (or for a chart
 * that cannot be made live). The ECharts runtime is embedded once, at the end of the body, then
 * each distinct chart's option as a JSON script, then a small script that draws every chart
 * live in place of its SVG. Nothing is fetched: the page works offline.
 */

const require = createRequire(import.meta.url);

/** Series types the smaller `echarts.common` build draws; others need the full build. */
const COMMON_SERIES = new Set(['bar', 'line', 'pie', 'scatter']);

/** Which ECharts build a page embeds: the smallest that draws all its live charts. */
export type RuntimeBuild = 'common' | 'full';

const runtimes = new Map<RuntimeBuild, string>();

/** The minified ECharts runtime of the installed package, ready to sit in a `<script>`. */
export function echartsRuntime(build: RuntimeBuild): string {
  let js = runtimes.get(build);
  if (js === undefined) {
    const file = build === 'common' ? 'echarts/dist/echarts.common.min.js' : 'echarts/dist/echarts.min.js';
    js = scriptSafe(readFileSync(require.resolve(file), 'utf8'));
    runtimes.set(build, js);
  }
  return js;
}

/**
 * Text made safe inside a `<script>` element: an HTML parser ends the element at `</script`
 * and treats `<!--` specially, whatever the script's type. In JSON and in JavaScript strings
 * `\u003c` is `<`, so the escaped text means the same.
 */
export function scriptSafe(text: string): string {
  return text.replace(/<(?=\/script|!--)/gi, '\\u003c');
}

/** JSON text made safe inside a `<script type="application/json">`: every `<` escaped. */
export function jsonScriptSafe(json: string): string {
  return json
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The page's shim: revives each option's functions from their tables (an argument key it has
 * not seen gets a plain format), draws each chart live with the SVG renderer at the size of the
 * static picture, then hides that picture. A chart that fails to draw keeps its picture.
 */
const SHIM = `(function () {
  'use strict';
  if (typeof echarts === 'undefined') return;
  var num = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
  function pick(a) {
    if (a === null || typeof a !== 'object') return a;
    if (Array.isArray(a)) return a.map(pick);
    return [a.seriesIndex, a.dataIndex, a.name, a.value];
  }
  function key(args) { return JSON.stringify(Array.prototype.map.call(args, pick)); }
  function plain(a) {
    if (a !== null && typeof a === 'object' && !Array.isArray(a)) a = a.value;
    if (Array.isArray(a)) a = a[1];
    if (typeof a === 'number') return num.format(a);
    return a === null || a === undefined ? '' : String(a);
  }
  function fn(table) {
    return function () {
      var k = key(arguments);
      if (Object.prototype.hasOwnProperty.call(table, k)) return table[k];
      k = key([arguments[0]]);
      if (Object.prototype.hasOwnProperty.call(table, k)) return table[k];
      return plain(arguments[0]);
    };
  }
  function revive(node, fns) {
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) { for (var i = 0; i < node.length; i++) node[i] = revive(node[i], fns); return node; }
    var keys = Object.keys(node);
    if (keys.length === 1 && keys[0] === '${'$fn'}') return fn(fns[node['${'$fn'}']] || {});
    for (var j = 0; j < keys.length; j++) node[keys[j]] = revive(node[keys[j]], fns);
    return node;
  }
  var boxes = document.querySelectorAll('[data-cp-option]');
  for (var b = 0; b < boxes.length; b++) {
    var box = boxes[b];
    var live = null;
    try {
      var source = document.getElementById(box.getAttribute('data-cp-option'));
      var spec = JSON.parse(source.textContent);
      live = document.createElement('div');
      live.className = 'cp-live';
      live.style.width = spec.width + 'px';
      live.style.height = spec.height + 'px';
      box.appendChild(live);
      var chart = echarts.init(live, null, { renderer: 'svg', width: spec.width, height: spec.height });
      chart.setOption(revive(spec.option, spec.fns));
      box.classList.add('cp-on');
    } catch (e) {
      if (live && live.parentNode) live.parentNode.removeChild(live);
    }
  }
})();`;

/** Style of live charts: the static picture hidden once its live chart is drawn. */
export const LIVE_STYLE = `
.cp-chart { display: inline-block; max-width: 100%; }
.cp-chart.cp-on > svg { display: none; }
.cp-live { max-width: 100%; margin: 0 auto; text-align: left; }
.cp-live svg { max-width: none; height: auto; }`;

/**
 * How an interactive page inlines its charts: `inline` (the static page's way) inside a box that
 * names the chart's option; `scripts()` then gives what ends the body: the runtime, the options,
 * the shim. A chart without an option (failed, or drawn by a custom renderer) stays static.
 */
export function liveCharts(inline: (c: RenderedChart) => string): {
  chart: (c: RenderedChart) => string;
  scripts: () => string;
} {
  const ids = new Map<string, string>();
  const options: string[] = [];
  let build: RuntimeBuild = 'common';
  return {
    chart: (c) => {
      const svg = inline(c);
      if (c.option === undefined || c.status === 'failed') return svg;
      let id = ids.get(c.key);
      if (id === undefined) {
        id = `cp-o${ids.size}`;
        ids.set(c.key, id);
        if (build === 'common' && !commonDraws(c.option)) build = 'full';
        options.push(`<script type="application/json" id="${id}">${jsonScriptSafe(c.option)}</script>`);
      }
      return `<div class="cp-chart" data-cp-option="${id}">${svg}</div>`;
    },
    scripts: () => {
      if (options.length === 0) return '';
      return `<script>${echartsRuntime(build)}</script>\n${options.join('\n')}\n<script>${scriptSafe(SHIM)}</script>\n`;
    },
  };
}

/** Whether the `echarts.common` build draws this option: its series types, no visual map. */
function commonDraws(optionJson: string): boolean {
  const { option } = JSON.parse(optionJson) as { option: { series?: unknown; visualMap?: unknown } };
  if (option.visualMap !== undefined) return false;
  const series = Array.isArray(option.series) ? option.series : option.series ? [option.series] : [];
  return series.every((s: { type?: unknown }) => typeof s.type === 'string' && COMMON_SERIES.has(s.type));
}
