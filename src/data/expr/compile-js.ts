import type { Row, Value } from '../../frame.js';
import type { BatchColumn } from '../batch.js';
import { perEntry } from '../batch-view.js';
import type { Zone } from '../zone.js';
import { digitsOf } from './check.js';
import type { ExprNode } from './parse.js';
import { ARITHMETIC, type ExprType, FUNCTIONS, typeOfValue, unify } from './types.js';
import {
  and,
  asText,
  compare,
  DateParts,
  divide,
  extreme,
  finite,
  fromNumber,
  lower,
  or,
  remainder,
  round,
  toNumber,
  truth,
  upper,
} from './values.js';

/**
 * Compiles a checked expression to closures over row positions: `val(i)` gives the value at
 * row `i`, `num(i)` the number (NaN for null or anything not a number). Fields are read through
 * an `Env`: the columns of a batch (`batchEnv`), or the one row being read (`rowEnv`). A field
 * whose column holds only numbers is read as numbers, so `revenue - cost` over two number
 * columns runs on the doubles alone.
 */

/** A field (or any node) compiled: its type and how to read it at a row. */
export interface Compiled {
  /** The type of its values, as far as known (a column of numbers: `number`). */
  readonly type: ExprType;
  readonly val: (i: number) => Value;
  readonly num: (i: number) => number;
}

/** Where fields are read from, and the time zone that date functions read instants in. */
export interface Env {
  field(name: string): Compiled;
  readonly zone: Zone;
}

/** Compiles `node` over `env`. Functions and arities are assumed checked (`checkExpression`). */
export function compileNode(node: ExprNode, env: Env): Compiled {
  switch (node.kind) {
    case 'literal':
      return constant(node.value);
    case 'field':
      return env.field(node.name);
    case 'unary': {
      const arg = compileNode(node.arg, env);
      if (node.op === '-') {
        const a = arg.num;
        return ofNumber((i) => finite(-a(i)));
      }
      const c = condition(arg);
      return ofValue('boolean', (i) => {
        const t = c(i);
        return t === null ? null : !t;
      });
    }
    case 'binary':
      return binary(node, compileNode(node.left, env), compileNode(node.right, env));
    case 'call':
      return call(
        node,
        node.args.map((a) => compileNode(a, env)),
        env,
      );
  }
}

function constant(v: Value): Compiled {
  const n = toNumber(v);
  return { type: typeOfValue(v), val: () => v, num: () => n };
}

function ofNumber(num: (i: number) => number): Compiled {
  return { type: 'number', num, val: (i) => fromNumber(num(i)) };
}

function ofValue(type: ExprType, val: (i: number) => Value): Compiled {
  return { type, val, num: (i) => toNumber(val(i)) };
}

/** A node read as a condition: true, false, or null (unknown). */
function condition(c: Compiled): (i: number) => boolean | null {
  if (c.type === 'boolean') return c.val as (i: number) => boolean | null;
  if (c.type === 'number') {
    const num = c.num;
    return (i) => {
      const x = num(i);
      return Number.isNaN(x) ? null : x !== 0;
    };
  }
  const val = c.val;
  return (i) => truth(val(i));
}

function binary(node: Extract<ExprNode, { kind: 'binary' }>, left: Compiled, right: Compiled): Compiled {
  const { op } = node;
  if (ARITHMETIC.has(op)) {
    const a = left.num;
    const b = right.num;
    switch (op) {
      case '+':
        return ofNumber((i) => finite(a(i) + b(i)));
      case '-':
        return ofNumber((i) => finite(a(i) - b(i)));
      case '*':
        return ofNumber((i) => finite(a(i) * b(i)));
      case '/':
        return ofNumber((i) => divide(a(i), b(i)));
      default:
        return ofNumber((i) => remainder(a(i), b(i)));
    }
  }
  if (op === 'and' || op === 'or') {
    const a = condition(left);
    const b = condition(right);
    return ofValue('boolean', op === 'and' ? (i) => and(a(i), b(i)) : (i) => or(a(i), b(i)));
  }
  const test = ORDER_TESTS[op as keyof typeof ORDER_TESTS];
  if (left.type === 'number' || right.type === 'number') {
    // A value that is not a number compares with a number as null, as a NaN does.
    const a = left.num;
    const b = right.num;
    return ofValue('boolean', (i) => {
      const x = a(i);
      const y = b(i);
      return Number.isNaN(x) || Number.isNaN(y) ? null : test(x < y ? -1 : x > y ? 1 : 0);
    });
  }
  const a = left.val;
  const b = right.val;
  return ofValue('boolean', (i) => {
    const c = compare(a(i), b(i));
    return c === null ? null : test(c);
  });
}

const ORDER_TESTS = {
  '=': (c: number) => c === 0,
  '!=': (c: number) => c !== 0,
  '<': (c: number) => c < 0,
  '<=': (c: number) => c <= 0,
  '>': (c: number) => c > 0,
  '>=': (c: number) => c >= 0,
} as const;

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  log: Math.log,
  sqrt: Math.sqrt,
};

function call(node: Extract<ExprNode, { kind: 'call' }>, args: readonly Compiled[], env: Env): Compiled {
  const { name } = node;
  const type = FUNCTIONS[name]?.result(args.map((a) => a.type)) ?? 'any';
  const first = args[0]!;
  switch (name) {
    case 'if': {
      const c = condition(first);
      const yes = args[1]!;
      const no = args[2]!;
      if (type === 'number') return ofNumber((i) => (c(i) === true ? yes.num(i) : no.num(i)));
      return ofValue(type, (i) => (c(i) === true ? yes.val(i) : no.val(i)));
    }
    case 'coalesce': {
      if (type === 'number') {
        const nums = args.map((a) => a.num);
        return ofNumber((i) => {
          for (const f of nums) {
            const x = f(i);
            if (!Number.isNaN(x)) return x;
          }
          return Number.NaN;
        });
      }
      const vals = args.map((a) => a.val);
      return ofValue(type, (i) => {
        for (const f of vals) {
          const v = f(i);
          if (v !== null) return v;
        }
        return null;
      });
    }
    case 'round': {
      const digits = node.args[1] === undefined ? 0 : (digitsOf(node.args[1]) ?? 0);
      const a = first.num;
      return ofNumber((i) => round(a(i), digits));
    }
    case 'min':
    case 'max': {
      const sign = name === 'max' ? 1 : -1;
      if (type === 'number' && args.every((a) => a.type === 'number' || a.type === 'null')) {
        const nums = args.map((a) => a.num);
        return ofNumber((i) => {
          let best = Number.NaN;
          for (const f of nums) {
            const x = f(i);
            if (!Number.isNaN(x) && (Number.isNaN(best) || (sign > 0 ? x > best : x < best))) best = x;
          }
          return best;
        });
      }
      const vals = args.map((a) => a.val);
      const scratch = new Array<Value>(vals.length);
      return ofValue(type, (i) => {
        for (let k = 0; k < vals.length; k++) scratch[k] = vals[k]!(i);
        return extreme(scratch, sign);
      });
    }
    case 'concat': {
      const vals = args.map((a) => a.val);
      return ofValue('text', (i) => {
        let s = '';
        for (const f of vals) s += asText(f(i));
        return s;
      });
    }
    case 'upper':
    case 'lower': {
      const f = name === 'upper' ? upper : lower;
      const a = first.val;
      return ofValue('text', (i) => f(a(i)));
    }
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'weekday': {
      const a = first.val;
      const parts = new DateParts(name, env.zone);
      return ofNumber((i) => parts.of(a(i)));
    }
    default: {
      const f = MATH[name];
      if (f === undefined) throw new Error(`function "${name}" was not checked`);
      const a = first.num;
      return ofNumber((i) => finite(f(a(i))));
    }
  }
}

/** An environment over the one row set last (`set`); positions are ignored. */
export function rowEnv(zone: Zone): { env: Env; set(row: Row): void } {
  let row: Row = {};
  const env: Env = {
    zone,
    field(name) {
      return {
        type: 'any',
        val: () => row[name] ?? null,
        num: () => toNumber(row[name] ?? null),
      };
    },
  };
  return {
    env,
    set(r) {
      row = r;
    },
  };
}

/** A field over a batch column: numbers as doubles, dictionary entries converted once. */
export function columnAccess(col: BatchColumn): Compiled {
  switch (col.kind) {
    case 'number': {
      const { values } = col;
      return {
        type: 'number',
        num: (i) => values[i]!,
        val: (i) => {
          const v = values[i]!;
          return Number.isNaN(v) ? null : v;
        },
      };
    }
    case 'dict': {
      const { codes, dict } = col;
      const nums = perEntry(dict, (n) => new Float64Array(n), toNumber);
      return {
        type: unify(dict.map((v) => typeOfValue(v ?? null))),
        num: (i) => nums[codes[i]!]!,
        val: (i) => dict[codes[i]!] ?? null,
      };
    }
    case 'values': {
      const { values } = col;
      return { type: 'any', num: (i) => toNumber(values[i] ?? null), val: (i) => values[i] ?? null };
    }
  }
}
