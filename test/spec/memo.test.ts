import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { MEMO_MAX_TEXT_LENGTH, ReportMemo } from '../../src/spec/memo.js';
import { validateReport } from '../../src/spec/parse.js';
import type { Report } from '../../src/spec/schema.js';
import { tempDir } from '../helpers/tmp.js';

const report = (title: string): Report =>
  validateReport({
    title,
    datasets: { d: { source: 'inline', rows: [{ a: 'x', b: 1 }] } },
    charts: { c: { type: 'bar', data: { from: 'd' }, encode: { x: 'a', y: 'b' } } },
    body: [{ chart: 'c' }],
  });

/** A memo whose validations are counted. */
function counted(memo = new ReportMemo()) {
  let validated = 0;
  const get = (context: string[], text: string) =>
    memo.get(context, text, () => {
      validated++;
      return report(text);
    });
  return { memo, get, validated: () => validated };
}

describe('ReportMemo', () => {
  it('validates a text once for one context, again for another text or context', () => {
    const m = counted();
    const first = m.get(['report', 'a.yaml'], 'one');
    expect(m.get(['report', 'a.yaml'], 'one')).toBe(first);
    expect(m.validated()).toBe(1);
    expect(m.get(['report', 'a.yaml'], 'two')).not.toBe(first);
    expect(m.get(['report', 'b.yaml'], 'one')).not.toBe(first);
    // The context and the text cannot run into each other.
    expect(m.get(['report', 'a.yaml\none'], '')).not.toBe(first);
    expect(m.validated()).toBe(4);
  });

  it('freezes the report it keeps, all the way down', () => {
    const kept = counted().get([], 'frozen');
    expect(Object.isFrozen(kept)).toBe(true);
    expect(Object.isFrozen(kept.charts.c?.encode)).toBe(true);
    expect(() => {
      (kept as { title: string }).title = 'changed';
    }).toThrow(TypeError);
    expect(() => {
      (kept.body as unknown[]).push({ chart: 'c' });
    }).toThrow(TypeError);
  });

  it('keeps the last `maxReports` used, dropping the least recently used', () => {
    const m = counted(new ReportMemo(2));
    const a = m.get([], 'a');
    m.get([], 'b');
    expect(m.get([], 'a')).toBe(a);
    m.get([], 'c');
    expect(m.memo.size).toBe(2);
    expect(m.validated()).toBe(3);
    expect(m.get([], 'a')).toBe(a);
    m.get([], 'b');
    expect(m.validated()).toBe(4);
  });

  it('keeps nothing of a text past the limit, of a failed validation, or with no room', () => {
    const m = counted();
    const long = 'x'.repeat(MEMO_MAX_TEXT_LENGTH + 1);
    expect(m.get([], long)).not.toBe(m.get([], long));
    expect(m.memo.size).toBe(0);
    const memo = new ReportMemo();
    let calls = 0;
    const failing = () => {
      calls++;
      throw new Error('invalid');
    };
    expect(() => memo.get([], 't', failing)).toThrow('invalid');
    expect(() => memo.get([], 't', failing)).toThrow('invalid');
    expect(calls).toBe(2);
    const none = counted(new ReportMemo(0));
    none.get([], 'a');
    none.get([], 'a');
    expect(none.validated()).toBe(2);
  });
});

describe('an engine drawing files again', () => {
  const tmp = tempDir();
  const engine = createEngine({ cache: false, pool: { threads: 1 } });
  afterAll(() => engine.close());
  tmp.write('data.csv', 'a,b\nx,1\ny,2\n');
  const chartText = (title: string) => `type: bar\ntitle: ${title}\nencode: { x: a, y: b }\n`;
  const reportText = (title: string) =>
    `title: ${title}\ndatasets:\n  d: { source: csv, path: data.csv }\ncharts:\n  c: { type: bar, data: { from: d }, encode: { x: a, y: b }, title: ${title} }\nbody:\n  - chart: c\n`;

  it('draws a chart file as it is now, after each edit, and the same picture for the same text', async () => {
    const file = tmp.write('c.yaml', chartText('First title'));
    const data = `${tmp.dir}/data.csv`;
    const first = await engine.chart(file, { data });
    expect(first.svg).toContain('First title');
    expect((await engine.chart(file, { data })).svg).toBe(first.svg);
    tmp.write('c.yaml', chartText('Second title'));
    const second = await engine.chart(file, { data });
    expect(second.svg).toContain('Second title');
    expect(second.svg).not.toContain('First title');
    // A mistake made afterwards is reported, not covered by what was kept.
    tmp.write('c.yaml', 'type: bar\nencode: { x: a, y: 7 }\n');
    await expect(engine.chart(file, { data })).rejects.toMatchObject({
      problems: [expect.objectContaining({ code: 'CP_ERR_INVALID_VALUE', path: 'encode.y' })],
    });
  });

  it('draws a chart file with the data file named, not the one named the time before', async () => {
    const file = tmp.write('d.yaml', chartText('Data'));
    tmp.write('other.csv', 'a,b\nonly-here,3\n');
    expect((await engine.chart(file, { data: `${tmp.dir}/data.csv` })).svg).not.toContain('only-here');
    expect((await engine.chart(file, { data: `${tmp.dir}/other.csv` })).svg).toContain('only-here');
  });

  it('renders a report file as it is now, after each edit', async () => {
    const file = tmp.write('r.yaml', reportText('Before'));
    const html = async () => String((await engine.render(file, { format: 'html' })).output);
    expect(await html()).toContain('Before');
    tmp.write('r.yaml', reportText('After'));
    const after = await html();
    expect(after).toContain('After');
    expect(after).not.toContain('Before');
  });
});
