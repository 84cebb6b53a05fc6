import { describe, expect, it } from 'vitest';
import { planReport } from '../../src/pipeline/plan.js';
import { resolveParams } from '../../src/spec/params.js';
import { validateReport } from '../../src/spec/parse.js';

const chart = (from: string) => ({ type: 'bar', data: { from }, encode: { x: 'a', y: 'b' } });
const report = validateReport({
  title: 'T',
  params: { detail: { type: 'boolean', default: false }, region: { type: 'string' } },
  datasets: {
    a: { source: 'inline', rows: [] },
    b: { source: 'inline', rows: [] },
    c: { source: 'inline', rows: [] },
  },
  charts: {
    main: { ...chart('a'), data: { from: 'a', filter: [{ field: 'r', value: { param: 'region' } }] } },
    detail: chart('b'),
    unused: chart('c'),
  },
  body: [
    { chart: 'main' },
    { row: [{ chart: 'main' }, { chart: { type: 'pie', data: { from: 'a' }, encode: { x: 'a', y: 'b' } } }] },
    { when: 'detail', then: [{ chart: 'detail' }, { table: { data: { from: 'b' } } }] },
  ],
});

describe('planReport', () => {
  it('plans only what the body reaches with these params', () => {
    const plan = planReport(report, resolveParams(report, {}));
    // `main` alone and `main` in a row cell are two pictures: the second is drawn at the cell's width.
    expect([...plan.charts.keys()]).toEqual(['main', 'main@311px', 'body[1].row[1].chart']);
    expect(plan.charts.get('main@311px')?.chart.options.width).toBe(311);
    expect(plan.charts.get('main')?.chart.options.width).toBe(600);
    expect(plan.skipped.map((s) => s.id).sort()).toEqual(['detail', 'unused']);
    expect([...plan.queries.keys()]).toEqual(['a']);
    expect(plan.tables.size).toBe(0);
  });

  it('takes the `when` branch when the param holds', () => {
    const plan = planReport(report, resolveParams(report, { detail: 'true' }));
    expect([...plan.charts.keys()]).toEqual(['main', 'main@311px', 'body[1].row[1].chart', 'detail']);
    expect(plan.skipped.map((s) => s.id)).toEqual(['unused']);
    expect([...(plan.queries.get('b')?.keys() ?? [])]).toEqual(['detail', 'body[2].then[1].table']);
  });

  it('drops filters on params that have no value, and keeps them otherwise', () => {
    const unset = planReport(report, resolveParams(report, {}));
    expect(unset.queries.get('a')?.get('main')?.query.filter).toEqual([]);
    const set = planReport(report, resolveParams(report, { region: 'EU' }));
    expect(set.queries.get('a')?.get('main')?.query.filter).toHaveLength(1);
  });
});
