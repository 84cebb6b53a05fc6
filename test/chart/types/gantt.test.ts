import { describe, expect, it } from 'vitest';
import { buildOption, renderChartSvg } from '../../../src/chart/render.js';
import { themes } from '../../../src/chart/theme.js';
import { frameFromRows } from '../../../src/frame.js';
import { filled, makeChart, texts } from '../helpers.js';

const palette = themes.default.palette;
const plan = frameFromRows([
  { task: 'Planning', start: '2024-01-08', end: '2024-02-02', phase: 'Design' },
  { task: 'Build ledger', start: '2024-02-15', end: '2024-05-10', phase: 'Build' },
  { task: 'Integrations', start: '2024-03-11', end: '2024-05-31', phase: 'Build' },
  { task: 'UAT', start: '2024-05-20', end: '2024-06-21', phase: 'Test' },
]);
const encode = { x: 'start', x2: 'end', y: 'task', series: 'phase' };
/** Each phase's colour: the palette in the phases' sorted order. */
const phase = { Build: palette[0]!, Design: palette[1]!, Test: palette[2]! };

/** Top edge of a bar path. */
const top = (p: string) => Number(/d="M[\d.]+ ([\d.]+)/.exec(p)?.[1]);

describe('gantt chart', () => {
  it('draws one bar per task, coloured by category, labelled with the task', () => {
    const svg = renderChartSvg(makeChart('gantt', encode), plan);
    expect(filled(svg, phase.Design)).toHaveLength(1);
    expect(filled(svg, phase.Build)).toHaveLength(2);
    expect(filled(svg, phase.Test)).toHaveLength(1);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Planning', 'Build ledger', 'Integrations', 'UAT']));
    expect(texts(svg)).toEqual(expect.arrayContaining(['Design', 'Build', 'Test']));
  });

  it('lists tasks top to bottom in frame order', () => {
    const svg = renderChartSvg(makeChart('gantt', encode), plan);
    const [build, integrations] = filled(svg, phase.Build).map(top);
    expect(top(filled(svg, phase.Design)[0]!)).toBeLessThan(build!);
    expect(build).toBeLessThan(integrations!);
    expect(integrations).toBeLessThan(top(filled(svg, phase.Test)[0]!));
  });

  it('makes bar length follow duration on a time axis', () => {
    const option = buildOption(makeChart('gantt', encode), plan);
    expect(option.xAxis).toMatchObject({ type: 'time' });
    const svg = renderChartSvg(makeChart('gantt', encode), plan);
    const width = (p: string) => {
      const xs = [...(/d="([^"]+)"/.exec(p)?.[1] ?? '').matchAll(/[ML]([\d.]+)/g)].map((m) => Number(m[1]));
      return Math.max(...xs) - Math.min(...xs);
    };
    const [build] = filled(svg, phase.Build);
    expect(width(build!)).toBeGreaterThan(width(filled(svg, phase.Design)[0]!) * 2);
  });

  it('puts task names on the axis instead when labels are off', () => {
    const svg = renderChartSvg(
      makeChart('gantt', { x: 'start', x2: 'end', y: 'task' }, { labels: false }),
      plan,
    );
    expect(filled(svg, palette[0]!)).toHaveLength(4);
    expect(texts(svg)).toEqual(expect.arrayContaining(['Planning', 'UAT']));
  });

  it('accepts numeric start and end', () => {
    const frame = frameFromRows([
      { t: 'a', s: 0, e: 5 },
      { t: 'b', s: 3, e: 9 },
    ]);
    const svg = renderChartSvg(makeChart('gantt', { x: 's', x2: 'e', y: 't' }), frame);
    expect(filled(svg, palette[0]!)).toHaveLength(2);
  });
});
