import { expect, it } from 'vitest';
import type { RowSource } from '../../../src/data/sources/rows.js';
import type { SqlDataset } from '../../../src/data/sql/sessions.js';
import { rng } from '../helpers.js';
import { both, frameToRows, storage } from './helpers.js';
import { AMOUNT, AT, DATE } from './suite.js';

type Kind = 'number' | 'text' | 'boolean';

/**
 * Random `calculate` expressions over the columns every backend's `sales` table has, of every
 * operator and function (`skip`: functions a backend does not push down): numbers, text and
 * conditions nested a few levels, with nulls, zeros and columns of mixed types.
 */
export function randomExpression(seed: number, skip: readonly string[] = []): string {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const q = (name: string) => `\`${name}\``;
  const leaf: Record<Kind, () => string> = {
    number: () => pick(['units', q(AMOUNT), '0', '3', '-2', '2.5', '0.1', 'null', '1e300']),
    text: () => pick(['Region', q(DATE), q(AT), "'EU'", "''", "'2024-06-01'", 'null']),
    boolean: () => pick(['true', 'false', 'null', 'units > 4']),
  };
  const fns: Record<Kind, ((d: number) => string)[]> = {
    number: [
      (d) => `(${gen('number', d)} ${pick(['+', '-', '*', '/', '%'])} ${gen('number', d)})`,
      (d) => `-${gen('number', d)}`,
      (d) => `${pick(['abs', 'floor', 'ceil', 'sqrt', 'log'])}(${gen('number', d)})`,
      (d) => `round(${gen('number', d)}${pick(['', ', 1', ', 2', ', -1'])})`,
      (d) => `${pick(['min', 'max'])}(${gen('number', d)}, ${gen('number', d)})`,
      (d) => `coalesce(${gen('number', d)}, ${gen('number', d)})`,
      (d) => `if(${gen('boolean', d)}, ${gen('number', d)}, ${gen('number', d)})`,
      () => `${pick(['year', 'month', 'day', 'hour', 'weekday'])}(${pick([q(DATE), q(AT)])})`,
    ],
    text: [
      (d) => `concat(${gen(pick(['text', 'number', 'boolean'] as const), d)}, '-', ${gen('text', d)})`,
      (d) => `${pick(['upper', 'lower'])}(${gen('text', d)})`,
      (d) => `coalesce(${gen('text', d)}, ${gen('text', d)})`,
      (d) => `if(${gen('boolean', d)}, ${gen('text', d)}, ${gen('text', d)})`,
      (d) => `${pick(['min', 'max'])}(${gen('text', d)}, ${gen('text', d)})`,
    ],
    boolean: [
      (d) => `(${gen('number', d)} ${pick(['=', '!=', '<', '<=', '>', '>='])} ${gen('number', d)})`,
      (d) => `(${gen('text', d)} ${pick(['=', '<>', '<', '>='])} ${gen('text', d)})`,
      (d) => `(${gen('boolean', d)} ${pick(['and', 'or'])} ${gen('boolean', d)})`,
      (d) => `not ${gen('boolean', d)}`,
      (d) => `if(${gen('boolean', d)}, ${gen('boolean', d)}, units)`,
    ],
  };
  const gen = (kind: Kind, depth: number): string => {
    if (depth <= 0 || rand() < 0.25) return leaf[kind]();
    for (;;) {
      const text = pick(fns[kind])(depth - 1);
      if (!skip.some((s) => text.startsWith(`${s}(`) || text.includes(` ${s} `))) return text;
    }
  };
  return gen(pick(['number', 'text', 'boolean'] as const), 4);
}

/**
 * `count` random expressions, each grouped by and aggregated: the pushed-down frame equals the
 * streamed one whenever the query is pushed down, and most are.
 */
export function expressionFuzz(
  setup: () => { dataset: SqlDataset; source: () => RowSource },
  options: { seed: number; count: number; skip?: readonly string[]; pushed: number },
) {
  it(`agrees with streaming on ${options.count} random expressions`, async () => {
    const { dataset, source } = setup();
    let pushed = 0;
    const fallbacks = new Map<string, number>();
    for (let i = 0; i < options.count; i++) {
      const e = randomExpression(options.seed + i, options.skip);
      const query = {
        from: 'sales',
        calculate: { e, n: 'if(e = e, 1, 0)' },
        groupBy: ['e'],
        aggregate: { rows: { op: 'count' as const }, s: { op: 'sum' as const, field: 'n' } },
      };
      const r = await both(dataset, source(), query);
      if (r.pushed === undefined) {
        const reason = r.pushWarnings[0]?.message.replace(/.*: /, '') ?? '?';
        fallbacks.set(reason, (fallbacks.get(reason) ?? 0) + 1);
        continue;
      }
      pushed++;
      expect({ e, rows: frameToRows(r.pushed) }).toEqual({ e, rows: frameToRows(r.streamed) });
      expect({ e, storage: storage(r.pushed) }).toEqual({ e, storage: storage(r.streamed) });
    }
    expect({ pushed, fallbacks: [...fallbacks] }).toEqual({
      pushed: expect.toSatisfy((n: number) => n >= options.pushed),
      fallbacks: expect.anything(),
    });
  }, 120_000);
}
