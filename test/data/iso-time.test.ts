import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IsoTimeColumn, reviveBatch } from '../../src/data/batch-time.js';
import { BatchView } from '../../src/data/batch-view.js';
import { isoKey } from '../../src/data/bucketer.js';
import { isoTimeKeys } from '../../src/data/iso-time.js';
import { QueryAccumulator } from '../../src/data/query.js';
import { timeFromBytes, timeShape } from '../../src/data/sources/csv-time.js';
import { frameToRows } from '../../src/frame.js';
import {
  civilFromDays,
  daysFromCivil,
  isoTimeText,
  SHAPE_MILLIS,
  SHAPE_SPACE,
  SHAPE_ZONE,
} from '../../src/time-text.js';
import { notTimestamps } from './sources/csv-oracle.js';

const DAY = 86_400_000;
/** Any instant of the years 0000 to 9999, to the millisecond. */
const instant = fc.integer({
  min: Date.parse('0000-01-01T00:00:00Z'),
  max: Date.parse('9999-12-31T23:59:59.999Z'),
});
const shape = fc.integer({ min: 0, max: 7 });

/** The text of shape `s` of an instant, as `Date#toISOString` writes it. */
function textOf(ms: number, s: number): string {
  const iso = new Date(ms).toISOString().replace('T', s & SHAPE_SPACE ? ' ' : 'T');
  return `${s & SHAPE_MILLIS ? iso.slice(0, 23) : iso.slice(0, 19)}${s & SHAPE_ZONE ? 'Z' : ''}`;
}

describe('ISO times as numbers', () => {
  it('counts days as Date does, both ways', () => {
    fc.assert(
      fc.property(fc.integer({ min: -719_528, max: 2_932_896 }), (days) => {
        const d = new Date(days * DAY);
        const date = d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
        expect(civilFromDays(days)).toBe(date);
        expect(daysFromCivil(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(days);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the text of every shape to its instant and writes the same bytes back', () => {
    fc.assert(
      fc.property(instant, shape, (ms, s) => {
        const t = s & SHAPE_MILLIS ? ms : ms - (((ms % 1000) + 1000) % 1000);
        const text = textOf(t, s);
        const bytes = Buffer.from(text);
        expect(timeShape(bytes, 0, bytes.length)).toBe(s);
        expect(timeFromBytes(bytes, 0, bytes.length, s)).toBe(t);
        expect(isoTimeText(t, s)).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it.each(notTimestamps)('is not a time of a shape: %s', (text) => {
    const bytes = Buffer.from(text);
    expect(timeShape(bytes, 0, bytes.length)).toBe(-1);
    for (let s = 0; s < 8; s++) expect(timeFromBytes(bytes, 0, bytes.length, s)).toBeNaN();
  });

  it('keys each time as isoKey keys its text, by day, hour and slot', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(instant, { freq: 8 }), { minLength: 1, maxLength: 40 }),
        shape,
        (times, s) => {
          const ms = Float64Array.from(times, (t) => (t === null ? Number.NaN : t));
          for (const unit of ['day', 'hour', 'slot'] as const) {
            const keys = isoTimeKeys(ms, ms.length, unit);
            times.forEach((t, i) => {
              expect(keys[i]).toBe(t === null ? -1 : isoKey(isoTimeText(t, s), unit));
            });
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('IsoTimeColumn', () => {
  const ms = Float64Array.from([
    Date.UTC(2024, 1, 29, 23, 59, 59),
    Number.NaN,
    Date.parse('0042-07-04T05:06:07Z'),
  ]);
  it('gives its cells as texts, null for an empty cell, one by one or all at once', () => {
    const col = new IsoTimeColumn(ms, SHAPE_ZONE);
    expect(col.cell(0)).toBe('2024-02-29T23:59:59Z');
    expect(col.cell(1)).toBeNull();
    expect(col.made).toBe(false);
    expect(col.values).toEqual(['2024-02-29T23:59:59Z', null, '0042-07-04T05:06:07Z']);
    expect(col.made).toBe(true);
    expect(col.values).toBe(col.values);
  });

  it('is made again from what a thread posts', () => {
    const posted = structuredClone({
      length: 3,
      names: ['t', 'n'],
      columns: [new IsoTimeColumn(ms, SHAPE_SPACE), { kind: 'number', values: ms }],
    });
    expect(posted.columns[0]).not.toBeInstanceOf(IsoTimeColumn);
    const batch = reviveBatch(posted as never);
    expect(batch.columns[0]).toBeInstanceOf(IsoTimeColumn);
    expect(batch.columns[0]!.kind).toBe('values');
    expect(batch.columns[1]).toBe(posted.columns[1]);
    expect((batch.columns[0] as IsoTimeColumn).cell(0)).toBe('2024-02-29 23:59:59');
  });

  it('is bucketed by a scan without making its texts', () => {
    const times = Array.from({ length: 500 }, (_, i) => Date.UTC(2024, 0, 1) + i * 7_919_000);
    const col = new IsoTimeColumn(Float64Array.from(times), SHAPE_ZONE);
    const amount = { kind: 'number' as const, values: Float64Array.from(times, (_, i) => i) };
    const query = {
      from: 'd',
      groupBy: [{ field: 'when', bucket: 'month' as const }],
      aggregate: { total: { op: 'sum' as const, field: 'amount' }, n: { op: 'count' as const } },
    };
    const columnar = new QueryAccumulator(query, {}, { dataset: 'd', path: 'q' });
    columnar.pushBatch(
      new BatchView({ length: times.length, names: ['when', 'amount'], columns: [col, amount] }),
    );
    expect(col.made).toBe(false);
    const byRows = new QueryAccumulator(query, {}, { dataset: 'd', path: 'q' });
    times.forEach((t, i) => {
      byRows.push({ when: isoTimeText(t, SHAPE_ZONE), amount: i });
    });
    const expected = frameToRows(byRows.finish());
    expect(expected.length).toBeGreaterThan(1);
    expect(frameToRows(columnar.finish())).toEqual(expected);
  });
});
