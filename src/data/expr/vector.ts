import type { BatchColumn } from '../batch.js';
import { digitsOf } from './check.js';
import type { ExprNode } from './parse.js';
import { ARITHMETIC } from './types.js';
import { divide, finite, remainder, round } from './values.js';

/**
 * Expressions of number columns computed over a whole batch at a time, in loops over typed
 * arrays: the same numbers as `compile-js.ts` gives row by row (NaN for null), without a
 * closure call per row and node. Undefined for a node that is not made of numbers alone.
 */

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  sqrt: Math.sqrt,
  log: Math.log,
};

/** Whether a node is made of numbers alone: number literals, number columns, arithmetic and math. */
function isNumeric(node: ExprNode, column: (name: string) => BatchColumn): boolean {
  switch (node.kind) {
    case 'literal':
      return node.value === null || typeof node.value === 'number';
    case 'field':
      return column(node.name).kind === 'number';
    case 'unary':
      return node.op === '-' && isNumeric(node.arg, column);
    case 'binary':
      return ARITHMETIC.has(node.op) && isNumeric(node.left, column) && isNumeric(node.right, column);
    case 'call':
      return (
        (MATH[node.name] !== undefined || node.name === 'round') &&
        node.args[0] !== undefined &&
        isNumeric(node.args[0], column)
      );
  }
}

/**
 * The numbers of a node over `n` rows, or undefined when it is not made of numbers alone. `out`
 * (at least `n` long), when given, receives the numbers the node computes; a column's own
 * numbers come back as they are.
 */
export function numberVector(
  node: ExprNode,
  column: (name: string) => BatchColumn,
  n: number,
  out?: Float64Array,
): Float64Array | undefined {
  return isNumeric(node, column) ? vector(node, column, n, out) : undefined;
}

function vector(
  node: ExprNode,
  column: (name: string) => BatchColumn,
  n: number,
  into?: Float64Array,
): Float64Array | undefined {
  switch (node.kind) {
    case 'literal': {
      if (node.value !== null && typeof node.value !== 'number') return undefined;
      return (into ?? new Float64Array(n)).fill(node.value ?? Number.NaN, 0, n);
    }
    case 'field': {
      const col = column(node.name);
      return col.kind === 'number' ? col.values : undefined;
    }
    case 'unary': {
      if (node.op !== '-') return undefined;
      const a = vector(node.arg, column, n);
      if (a === undefined) return undefined;
      const out = into ?? new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = finite(-a[i]!);
      return out;
    }
    case 'binary': {
      const a = vector(node.left, column, n);
      const b = a && vector(node.right, column, n);
      if (a === undefined || b === undefined) return undefined;
      const out = into ?? new Float64Array(n);
      switch (node.op) {
        case '+':
          for (let i = 0; i < n; i++) out[i] = finite(a[i]! + b[i]!);
          return out;
        case '-':
          for (let i = 0; i < n; i++) out[i] = finite(a[i]! - b[i]!);
          return out;
        case '*':
          for (let i = 0; i < n; i++) out[i] = finite(a[i]! * b[i]!);
          return out;
        case '/':
          for (let i = 0; i < n; i++) out[i] = divide(a[i]!, b[i]!);
          return out;
        case '%':
          for (let i = 0; i < n; i++) out[i] = remainder(a[i]!, b[i]!);
          return out;
        default:
          return undefined;
      }
    }
    case 'call': {
      const f = MATH[node.name];
      if (f === undefined && node.name !== 'round') return undefined;
      const a = node.args[0] && vector(node.args[0], column, n);
      if (a === undefined) return undefined;
      const out = into ?? new Float64Array(n);
      if (f !== undefined) for (let i = 0; i < n; i++) out[i] = finite(f(a[i]!));
      else {
        const digits = node.args[1] === undefined ? 0 : (digitsOf(node.args[1]) ?? 0);
        for (let i = 0; i < n; i++) out[i] = round(a[i]!, digits);
      }
      return out;
    }
  }
}

/**
 * A comparison of two number vectors as the codes of a dictionary `[true, false, null]`, or
 * undefined when either side is not made of numbers.
 */
export function comparisonCodes(
  node: ExprNode,
  column: (name: string) => BatchColumn,
  n: number,
  codes: Int32Array,
): Int32Array | undefined {
  if (node.kind !== 'binary') return undefined;
  const test = TESTS[node.op];
  if (test === undefined) return undefined;
  const a = numberVector(node.left, column, n);
  if (a === undefined) return undefined;
  // A column against a number (`units > 10`): the number read once, not as a vector.
  const right = node.right;
  if (right.kind === 'literal' && typeof right.value === 'number') {
    const y = right.value;
    if (Number.isNaN(y)) return codes.fill(2, 0, n);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      codes[i] = Number.isNaN(x) ? 2 : test(x, y) ? 0 : 1;
    }
    return codes;
  }
  const b = numberVector(right, column, n);
  if (b === undefined) return undefined;
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    codes[i] = Number.isNaN(x) || Number.isNaN(y) ? 2 : test(x, y) ? 0 : 1;
  }
  return codes;
}

const TESTS: Readonly<Record<string, (x: number, y: number) => boolean>> = {
  '=': (x, y) => x === y,
  '!=': (x, y) => x !== y,
  '<': (x, y) => x < y,
  '<=': (x, y) => x <= y,
  '>': (x, y) => x > y,
  '>=': (x, y) => x >= y,
};
