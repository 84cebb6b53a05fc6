import { describe, expect, it } from 'vitest';
import { stabilizeSvg } from '../../src/chart/svg.js';

const raw = (n: number) =>
  [
    `<svg width="10" height="10">`,
    `<g clip-path="url(#zr${n}-c0)"><path d="M0 0" fill="url(#zr${n}-g0)" class="zr${n}-cls-2" ecmeta_series_index="0"></path></g>`,
    `<text style="font: normal bold 12px Inter, sans-serif">a</text>`,
    `<defs><clipPath id="zr${n}-c0"></clipPath><linearGradient id="zr${n}-g0"></linearGradient></defs>`,
    `<style><![CDATA[.zr${n}-cls-2:hover { fill:[object Object]; }]]></style>`,
    `</svg>`,
  ].join('\n');

describe('stabilizeSvg', () => {
  it('renumbers ids in order of appearance, whatever the instance counter', () => {
    const a = stabilizeSvg(raw(3));
    expect(a).toBe(stabilizeSvg(raw(41)));
    expect(a).toContain('clip-path="url(#cp-0)"');
    expect(a).toContain('fill="url(#cp-1)"');
    expect(a).toContain('<clipPath id="cp-0">');
  });

  it('drops hover styles, class hooks and ecmeta attributes', () => {
    const a = stabilizeSvg(raw(1));
    expect(a).not.toMatch(/<style|class=|ecmeta_|object Object/);
  });

  it('spells out the font shorthand', () => {
    expect(stabilizeSvg(raw(1))).toContain(
      'style="font-size:12px;font-family:Inter, sans-serif;font-weight:bold;"',
    );
  });
});
