import { describe, expect, it } from 'vitest';
import { batchCell, batchFromRows } from '../../../src/data/batch.js';
import { BatchView } from '../../../src/data/batch-view.js';
import { Calculations } from '../../../src/data/calculate.js';
import { DateParts, datePart } from '../../../src/data/expr/values.js';
import { UTC, zoneNamed } from '../../../src/data/zone.js';
import type { Row, Value } from '../../../src/frame.js';
import { rng } from '../helpers.js';

/**
 * The values of one expression over rows, as the row path computes them and as each batch path
 * does (columns of numbers, dictionaries, values): they must agree, -0 and 0 told apart.
 */
function evaluate(text: string, rows: readonly Row[], timezone?: string): Value[] {
  const query = { from: 'd', calculate: { v: text }, ...(timezone ? { timezone } : {}) };
  const calc = new Calculations(query, { dataset: 'd', path: 'q' });
  expect(calc.problems).toEqual([]);
  const byRow = rows.map((r) => calc.extend(r).v ?? null);
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  // The same rows with a row of text after them: every column becomes a dictionary.
  const text1: Row = Object.fromEntries(names.map((n) => [n, 'text']));
  for (const batchRows of [rows, [...rows, text1]]) {
    const view = calc.extendView(new BatchView(batchFromRows(batchRows, names)));
    const col = view.column('v');
    const byBatch = rows.map((_, i) => batchCell(col, i));
    expect(byBatch.map(show)).toEqual(byRow.map(show));
  }
  return byRow;
}

/** A value with -0 visible. */
const show = (v: Value) => (Object.is(v, -0) ? '-0' : v);

const row: Row = {
  a: 6,
  b: 4,
  z: 0,
  n: null,
  t: 'EU',
  s: '12',
  yes: true,
  no: false,
  big: 1e308,
  inf: Number.POSITIVE_INFINITY,
  d: '2024-03-05',
  at: '2024-03-31T01:30:00Z',
};

describe('calculate expressions, value by value', () => {
  it.each<[string, Value]>([
    // Arithmetic and null.
    ['a - b', 2],
    ['a * b + 1', 25],
    ['a / b', 1.5],
    ['a % b', 2],
    ['-7 % 2', -1],
    ['-4 % 2', 0],
    ['-z', 0],
    ['a + n', null],
    ['a / z', null],
    ['z / z', null],
    ['a % z', null],
    ['big * 10', null],
    ['inf - 1', null],
    ['-big * big', null],
    ['t + 1', null],
    ['s + 1', null],
    ['yes + 1', null],
    ['0.1 + 0.2', 0.30000000000000004],
    // Comparisons.
    ['a > b', true],
    ['a = 6', true],
    ['a != 6', false],
    ['a <= n', null],
    ["t = 'EU'", true],
    ["t < 'F'", true],
    ['s = 12', null],
    ["a = '6'", null],
    ['no < yes', true],
    ["d > '2024-03-10'", false],
    ['n = n', null],
    // Conditions, three-valued.
    ['yes and n', null],
    ['no and n', false],
    ['yes or n', true],
    ['no or n', null],
    ['not n', null],
    ['not no', true],
    ['a and yes', true],
    ['z or no', false],
    ['t or yes', true],
    ['t and yes', null],
    ['not t', null],
    ['if(n, 1, 2)', 2],
    ['if(z, 1, 2)', 2],
    ['if(a, 1, 2)', 1],
    ["if(a > 5, 'big', null)", 'big'],
    // Functions.
    ['coalesce(n, n, 3)', 3],
    ['coalesce(n)', null],
    ["coalesce(n, t, 'x')", 'EU'],
    ['abs(-a)', 6],
    ['abs(-z)', 0],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(-0.4)', 0],
    ['round(a / 7, 3)', 0.857],
    ['round(1234.5, -2)', 1200],
    ['round(-1250, -2)', -1300],
    ['round(1.005, 2)', 1],
    ['round(n, 2)', null],
    ['round(big, 15)', null],
    ['floor(-0.5)', -1],
    ['ceil(-0.5)', 0],
    ['floor(a / b)', 1],
    ['sqrt(b)', 2],
    ['sqrt(-1)', null],
    ['log(1)', 0],
    ['log(z)', null],
    ['log(-1)', null],
    ['min(a, n, b)', 4],
    ['max(a, n, b)', 6],
    ['min(n, n)', null],
    ["max(t, 'A')", 'EU'],
    ['min(a, t)', null],
    ['max(no, yes)', true],
    ["concat(t, '-', a / b, '-', yes, n, '|')", 'EU-1.5-true|'],
    ['concat(n)', ''],
    ['concat(big)', '1e+308'],
    ["upper('straße')", 'STRASSE'],
    ["lower('ÀB')", 'àb'],
    ['upper(a)', null],
    ['upper(n)', null],
    // Dates.
    ['year(d)', 2024],
    ['month(d)', 3],
    ['day(d)', 5],
    ['hour(d)', 0],
    ['weekday(d)', 2],
    ["weekday('2024-03-10')", 7],
    ['hour(at)', 1],
    ['day(at)', 31],
    ["hour('2024-03-05T23:30:00-05:00')", 4],
    ["day('2024-03-05T23:30:00-05:00')", 6],
    ["year('2024-02-30')", null],
    ["month('soon')", null],
    ['year(a)', null],
    ['year(n)', null],
  ])('%s is %j', (text, expected) => {
    expect(show(evaluate(text, [row])[0] ?? null)).toEqual(show(expected));
  });

  it('reads instants on the clock of the query time zone, dates on their own day', () => {
    const rows: Row[] = [
      { at: '2024-03-31T00:30:00Z' },
      { at: '2024-03-31T01:30:00Z' },
      { at: '2024-10-27T00:30:00Z' },
      { at: '2024-10-27T01:30:00Z' },
      { at: '2024-03-31' },
      { at: '2024-03-05T23:30:00-05:00' },
    ];
    expect(evaluate('hour(at)', rows, 'Europe/Paris')).toEqual([1, 3, 2, 2, 0, 5]);
    expect(evaluate('day(at)', rows, 'America/New_York')).toEqual([30, 30, 26, 26, 31, 5]);
    expect(evaluate('weekday(at)', rows, 'Asia/Kathmandu')).toEqual([7, 7, 7, 7, 7, 3]);
    expect(evaluate('hour(at)', rows)).toEqual([0, 1, 0, 1, 0, 4]);
  });

  it('uses the fields before it, and columns of any kind', () => {
    const query = {
      from: 'd',
      calculate: { m: 'a - b', late: 'm > 1', label: "if(late, concat(t, ':', m), 'on time')" },
    };
    const calc = new Calculations(query, { dataset: 'd', path: 'q' });
    expect(calc.extend(row)).toMatchObject({ m: 2, late: true, label: 'EU:2' });
    const rows: Row[] = [row, { ...row, a: 5 }, { ...row, a: null, t: null }];
    const view = calc.extendView(new BatchView(batchFromRows(rows, Object.keys(row))));
    expect(rows.map((_, i) => batchCell(view.column('label'), i))).toEqual(['EU:2', 'on time', 'on time']);
    expect(rows.map((_, i) => batchCell(view.column('late'), i))).toEqual([true, false, null]);
  });

  it('agrees between rows and batches on random expressions over random rows', () => {
    const rand = rng(5);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const rows: Row[] = Array.from({ length: 200 }, () => ({
      x: pick([1, 2.5, -3, 0, null, 1e308, 'x']),
      y: pick([4, -0.5, null, 7]),
      t: pick(['a', 'B', '', null, 'ü']),
      d: pick(['2024-01-31', '2024-03-31T01:30:00Z', '2023-12-31T23:59:59.999Z', 'no', null]),
    }));
    const leaves = ['x', 'y', 't', 'd', '2', '0', 'null', "'a'", 'true'];
    const ops = ['+', '-', '*', '/', '%', '=', '<', '>=', 'and', 'or'];
    const calls = ['abs', 'floor', 'round', 'sqrt', 'upper', 'year', 'hour', 'weekday'];
    const gen = (depth: number): string => {
      const r = rand();
      if (depth === 0 || r < 0.3) return pick(leaves);
      if (r < 0.6) return `(${gen(depth - 1)} ${pick(ops)} ${gen(depth - 1)})`;
      if (r < 0.7) return `if(${gen(depth - 1)}, ${gen(depth - 1)}, ${gen(depth - 1)})`;
      if (r < 0.8)
        return `${pick(['coalesce', 'min', 'max', 'concat'])}(${gen(depth - 1)}, ${gen(depth - 1)})`;
      return `${pick(calls)}(${gen(depth - 1)})`;
    };
    let checked = 0;
    for (let i = 0; i < 400; i++) {
      const text = gen(3);
      const calc = new Calculations({ from: 'd', calculate: { v: text } }, { dataset: 'd', path: 'q' });
      // Expressions whose types are wrong before the data are refused, not evaluated.
      if (calc.problems.length > 0) continue;
      evaluate(text, rows, pick([undefined, 'Europe/Paris']));
      checked++;
    }
    expect(checked).toBeGreaterThan(150);
  });
});

describe('DateParts', () => {
  it('gives what datePart gives, remembered per day, hour or slot', () => {
    const rand = rng(9);
    const zones = [
      UTC,
      zoneNamed('Europe/Paris')!,
      zoneNamed('Asia/Kathmandu')!,
      zoneNamed('Africa/Monrovia')!,
    ];
    const parts = ['year', 'month', 'day', 'hour', 'weekday'] as const;
    for (const zone of zones) {
      for (const part of parts) {
        const reader = new DateParts(part, zone);
        for (let i = 0; i < 2000; i++) {
          // 1900 to 2100, so that Monrovia's offset of -0:44:30 (until 1972) is met.
          const ms = Date.UTC(1900, 0, 1) + Math.floor(rand() * 200 * 365.25 * 86_400_000);
          const iso = new Date(ms).toISOString();
          const text = rand() < 0.5 ? iso : iso.replace('.000Z', 'Z').replace('T', ' ');
          expect(reader.of(text)).toBe(datePart(text, part, zone));
        }
      }
    }
  });
});
