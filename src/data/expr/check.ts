import { ExpressionError } from './lex.js';
import type { ExprNode } from './parse.js';
import {
  ARITHMETIC,
  COMPARISON,
  type ExprType,
  FUNCTION_NAMES,
  FUNCTIONS,
  nameOf,
  typeOfValue,
} from './types.js';

/** Most decimals `round(x, digits)` takes, either way. */
export const MAX_ROUND_DIGITS = 15;

/**
 * Checks what can be known of an expression before the data: every function exists and has
 * the right number of arguments, and no value is of a type that makes the result always null
 * (text in arithmetic, a number given to `upper`, a comparison of a number with text). Fields
 * have the types `field` gives (`any` for columns). Returns the type of the result; throws
 * `ExpressionError` at the first mistake.
 */
export function checkExpression(node: ExprNode, field: (name: string) => ExprType): ExprType {
  switch (node.kind) {
    case 'literal':
      return typeOfValue(node.value);
    case 'field':
      return field(node.name);
    case 'unary': {
      const t = checkExpression(node.arg, field);
      if (node.op === '-') {
        if (t === 'text' || t === 'boolean')
          throw new ExpressionError(`"-" takes a number, got ${nameOf(t)}`, node.arg.at);
        return 'number';
      }
      if (t === 'text') throw conditionError('not', node.arg.at);
      return 'boolean';
    }
    case 'binary': {
      const left = checkExpression(node.left, field);
      const right = checkExpression(node.right, field);
      if (ARITHMETIC.has(node.op)) {
        for (const [t, side] of [
          [left, node.left],
          [right, node.right],
        ] as const) {
          if (t === 'text' || t === 'boolean')
            throw new ExpressionError(
              `"${node.op}" takes numbers, got ${nameOf(t)}`,
              side.at,
              'arithmetic on anything but numbers is always null',
            );
        }
        return 'number';
      }
      if (COMPARISON.has(node.op)) {
        if (known(left) && known(right) && left !== right)
          throw new ExpressionError(
            `"${node.op}" compares ${nameOf(left)} with ${nameOf(right)}, which is always null`,
            node.left.at,
            'compare values of one type: numbers with numbers, text (and dates) with text',
          );
        return 'boolean';
      }
      if (left === 'text') throw conditionError(node.op, node.left.at);
      if (right === 'text') throw conditionError(node.op, node.right.at);
      return 'boolean';
    }
    case 'call':
      return checkCall(node, field);
  }
}

const known = (t: ExprType) => t === 'number' || t === 'text' || t === 'boolean';

function conditionError(op: string, at: number): ExpressionError {
  return new ExpressionError(
    `"${op}" takes conditions, got text`,
    at,
    'a condition is true or false (a comparison, a boolean field), or a number (0 is false)',
  );
}

function checkCall(node: Extract<ExprNode, { kind: 'call' }>, field: (name: string) => ExprType): ExprType {
  const def = Object.hasOwn(FUNCTIONS, node.name) ? FUNCTIONS[node.name] : undefined;
  if (def === undefined)
    throw new ExpressionError(`unknown function "${node.name}"`, node.at, `functions: ${FUNCTION_NAMES}`);
  const n = node.args.length;
  if (n < def.min || n > def.max) {
    const want =
      def.min === def.max
        ? `${def.min}`
        : def.max === Number.POSITIVE_INFINITY
          ? `at least ${def.min}`
          : `${def.min} to ${def.max}`;
    const one = def.min === 1 && (def.max === 1 || def.max === Number.POSITIVE_INFINITY);
    throw new ExpressionError(
      `${node.name}() takes ${want} argument${one ? '' : 's'}, got ${n}`,
      node.at,
      usage(node.name),
    );
  }
  const types = node.args.map((arg, i) => {
    const t = checkExpression(arg, field);
    const rule = def.arg(i);
    const bad =
      (rule === 'number' && (t === 'text' || t === 'boolean')) ||
      ((rule === 'text' || rule === 'date') && (t === 'number' || t === 'boolean')) ||
      (rule === 'condition' && t === 'text');
    if (bad) {
      const want =
        rule === 'number'
          ? 'a number'
          : rule === 'text'
            ? 'text'
            : rule === 'date'
              ? 'a date (ISO text)'
              : 'a condition';
      throw new ExpressionError(`${node.name}() takes ${want}, got ${nameOf(t)}`, arg.at, usage(node.name));
    }
    if (rule === 'digits' && digitsOf(arg) === undefined)
      throw new ExpressionError(
        `round() takes whole decimals from -${MAX_ROUND_DIGITS} to ${MAX_ROUND_DIGITS} as its second argument, written as a number`,
        arg.at,
        usage('round'),
      );
    return t;
  });
  if (node.name === 'min' || node.name === 'max') {
    const kinds = [...new Set(types.filter(known))];
    if (kinds.length > 1)
      throw new ExpressionError(
        `${node.name}() compares ${nameOf(kinds[0]!)} with ${nameOf(kinds[1]!)}`,
        node.at,
        'give it values of one type',
      );
  }
  return def.result(types);
}

/** The decimals of `round(x, digits)`: a whole number written out, within the limits. */
export function digitsOf(node: ExprNode): number | undefined {
  let v: unknown;
  if (node.kind === 'literal') v = node.value;
  else if (
    node.kind === 'unary' &&
    node.op === '-' &&
    node.arg.kind === 'literal' &&
    typeof node.arg.value === 'number'
  )
    v = -node.arg.value;
  return typeof v === 'number' && Number.isInteger(v) && Math.abs(v) <= MAX_ROUND_DIGITS ? v + 0 : undefined;
}

function usage(name: string): string {
  switch (name) {
    case 'if':
      return 'if(condition, value if true, value otherwise)';
    case 'round':
      return 'round(x) or round(x, digits), e.g. round(price, 2)';
    case 'coalesce':
      return 'coalesce(a, b, ...): the first that is not null';
    case 'min':
    case 'max':
      return `${name}(a, b, ...): the ${name === 'min' ? 'least' : 'greatest'} that is not null`;
    case 'concat':
      return 'concat(a, b, ...): the values as text, one after the other';
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'weekday':
      return `${name}(date), e.g. ${name}(order_date)`;
    default:
      return `${name}(x)`;
  }
}
