import type { Value } from '../../frame.js';
import type { BinaryOp, ExprNode } from './parse.js';

/**
 * The types of expression values, as far as they are known before the data: `number`, `text`
 * (dates are ISO text), `boolean`, `null` (the literal), or `any` (a column: each cell has its
 * own type).
 */
export type ExprType = 'number' | 'text' | 'boolean' | 'null' | 'any';

/** What a function argument must be: a number, text, a date (ISO text), a condition, anything, or whole decimals. */
export type ArgRule = 'number' | 'text' | 'date' | 'condition' | 'any' | 'digits';

/** A function of the expression language. */
export interface FunctionDef {
  /** Fewest and most arguments. */
  readonly min: number;
  readonly max: number;
  /** What the argument at an index must be. */
  readonly arg: (index: number) => ArgRule;
  /** The type of the result from the types of the arguments. */
  readonly result: (args: readonly ExprType[]) => ExprType;
}

const numeric: FunctionDef = { min: 1, max: 1, arg: () => 'number', result: () => 'number' };
const datePart: FunctionDef = { min: 1, max: 1, arg: () => 'date', result: () => 'number' };
const textual: FunctionDef = { min: 1, max: 1, arg: () => 'text', result: () => 'text' };
const extreme: FunctionDef = { min: 1, max: Number.POSITIVE_INFINITY, arg: () => 'any', result: unify };

/** Every function, by name (lower case). */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = {
  if: { min: 3, max: 3, arg: (i) => (i === 0 ? 'condition' : 'any'), result: (a) => unify(a.slice(1)) },
  coalesce: { min: 1, max: Number.POSITIVE_INFINITY, arg: () => 'any', result: unify },
  abs: numeric,
  round: { min: 1, max: 2, arg: (i) => (i === 0 ? 'number' : 'digits'), result: () => 'number' },
  floor: numeric,
  ceil: numeric,
  log: numeric,
  sqrt: numeric,
  min: extreme,
  max: extreme,
  concat: { min: 1, max: Number.POSITIVE_INFINITY, arg: () => 'any', result: () => 'text' },
  upper: textual,
  lower: textual,
  year: datePart,
  month: datePart,
  day: datePart,
  hour: datePart,
  weekday: datePart,
};

/** The functions' names, for messages. */
export const FUNCTION_NAMES = Object.keys(FUNCTIONS).join(', ');

/** The one type of values of these types (nulls aside), `null` for none, `any` when they differ. */
export function unify(types: readonly ExprType[]): ExprType {
  let found: ExprType = 'null';
  for (const t of types) {
    if (t === 'null') continue;
    if (t === 'any') return 'any';
    if (found === 'null') found = t;
    else if (found !== t) return 'any';
  }
  return found;
}

export const ARITHMETIC: ReadonlySet<BinaryOp> = new Set(['+', '-', '*', '/', '%']);
export const COMPARISON: ReadonlySet<BinaryOp> = new Set(['=', '!=', '<', '<=', '>', '>=']);

/** The type of a literal value. */
export function typeOfValue(v: Value): ExprType {
  if (v === null) return 'null';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'string') return 'text';
  return 'boolean';
}

/** The type of a node, given the types of its fields. */
export function typeOf(node: ExprNode, field: (name: string) => ExprType): ExprType {
  switch (node.kind) {
    case 'literal':
      return typeOfValue(node.value);
    case 'field':
      return field(node.name);
    case 'unary':
      return node.op === '-' ? 'number' : 'boolean';
    case 'binary':
      return ARITHMETIC.has(node.op) ? 'number' : 'boolean';
    case 'call': {
      const def = FUNCTIONS[node.name];
      return def === undefined ? 'any' : def.result(node.args.map((a) => typeOf(a, field)));
    }
  }
}

/** A type as messages name it: "a number", "text". */
export function nameOf(t: ExprType): string {
  return t === 'number' ? 'a number' : t === 'text' ? 'text' : t === 'boolean' ? 'a boolean' : t;
}
