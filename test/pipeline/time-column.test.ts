import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A CSV file's timestamps reach the charts as numbers (`TimeColumn`) and become texts only for
 * the points drawn: the pictures and keys are those of the same texts read from JSON, which
 * holds them as strings all the way.
 */

const tmp = tempDir();
const engine = createEngine({ cache: false, pool: { threads: 1 } });
afterAll(() => engine.close());

/** Rows a minute apart (plus a second, so that milliseconds show), some hours empty. */
function rows(n: number, text: (ms: number) => string) {
  const start = Date.UTC(2024, 2, 30, 22);
  return Array.from({ length: n }, (_, i) => {
    const ms = start + i * 61_001;
    return {
      t: i % 97 === 13 ? null : text(ms),
      v: Math.round(Math.sin(i / 40) * 1000) / 10,
      s: `s${i % 2}`,
    };
  });
}

const shapes: [string, (ms: number) => string][] = [
  ['T…Z', (ms) => `${new Date(ms).toISOString().slice(0, 19)}Z`],
  ['T….sssZ', (ms) => new Date(ms).toISOString()],
  ['T…, no zone', (ms) => new Date(ms).toISOString().slice(0, 19)],
  [
    'space …Z',
    (ms) => `${new Date(ms).toISOString().slice(0, 10)} ${new Date(ms).toISOString().slice(11, 19)}Z`,
  ],
];

describe('timestamps of a CSV file', () => {
  for (const [name, text] of shapes) {
    for (const [type, n] of [
      ['line', 5000],
      ['area', 300],
      ['scatter', 3000],
      ['bar', 40],
    ] as const) {
      it(`draw as their texts in JSON do: ${type}, ${n} rows, ${name}`, async () => {
        const data = rows(n, text);
        const csv = tmp.write(
          `${type}-${n}-${name}.csv`,
          `t,v,s\n${data.map((r) => `${r.t ?? ''},${r.v},${r.s}`).join('\n')}\n`,
        );
        const json = tmp.write(`${type}-${n}-${name}.json`, JSON.stringify(data));
        const encode = type === 'bar' ? '{ x: t, y: v }' : '{ x: t, y: v, series: s }';
        const file = tmp.write(
          `c-${type}.yaml`,
          `type: ${type}\noptions: { width: 400 }\nencode: ${encode}\n`,
        );
        const fromCsv = await engine.chart(file, { data: csv });
        const fromJson = await engine.chart(file, { data: json });
        expect(fromCsv.warnings).toEqual(fromJson.warnings);
        expect(fromCsv.chart.key).toBe(fromJson.chart.key);
        expect(fromCsv.svg).toBe(fromJson.svg);
        expect(fromCsv.svg.length).toBeGreaterThan(1000);
      });
    }
  }
});
