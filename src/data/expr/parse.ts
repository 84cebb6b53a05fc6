import type { Value } from '../../frame.js';
import { ExpressionError, type Token, tokenize } from './lex.js';

/**
 * The parser of `calculate` expressions (a Pratt parser over `tokenize`'s tokens), from the
 * loosest binding to the tightest:
 *
 * ```
 * or  ·  and  ·  not  ·  = == != <> < <= > >=  ·  + -  ·  * / %  ·  unary -  ·  literal, name, f(…), ( … )
 * ```
 *
 * Comparisons do not chain (`a < b < c` is refused). Keywords (`and or not true false null`)
 * are read in any case; a field with such a name is written in backquotes.
 */

/** Longest expression, in characters. Defaults to 2,000. */
export const DEFAULT_MAX_EXPRESSION_LENGTH = 2000;
/** Deepest nesting of an expression (parentheses, calls, operators). Defaults to 32. */
export const DEFAULT_MAX_EXPRESSION_DEPTH = 32;

export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '=' | '!=' | '<' | '<=' | '>' | '>=' | 'and' | 'or';

/** A node of an expression; `at` is the index of its first character (a call's: its name). */
export type ExprNode =
  | { readonly kind: 'literal'; readonly value: Value; readonly at: number }
  | { readonly kind: 'field'; readonly name: string; readonly at: number }
  | { readonly kind: 'unary'; readonly op: '-' | 'not'; readonly arg: ExprNode; readonly at: number }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: ExprNode;
      readonly right: ExprNode;
      readonly at: number;
    }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly ExprNode[]; readonly at: number };

/** Limits on one expression. */
export interface ExpressionLimits {
  /** Longest expression in characters. Defaults to `DEFAULT_MAX_EXPRESSION_LENGTH`. */
  readonly maxLength?: number | undefined;
  /** Deepest nesting. Defaults to `DEFAULT_MAX_EXPRESSION_DEPTH`. */
  readonly maxDepth?: number | undefined;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null']);
const COMPARISONS: Readonly<Record<string, BinaryOp>> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
/** How tightly each infix operator binds. */
const INFIX: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  ...Object.fromEntries(Object.keys(COMPARISONS).map((op) => [op, 4])),
  '+': 5,
  '-': 5,
  '*': 6,
  '/': 6,
  '%': 6,
};
const NOT_POWER = 3;
const NEGATE_POWER = 7;

/** Parses an expression. Throws `ExpressionError` with the index of the mistake. */
export function parseExpression(text: string, limits: ExpressionLimits = {}): ExprNode {
  const maxLength = limits.maxLength ?? DEFAULT_MAX_EXPRESSION_LENGTH;
  if (text.length > maxLength)
    throw new ExpressionError(
      `the expression is ${text.length} characters long; at most ${maxLength}`,
      maxLength,
      'split it into several calculated fields, each using the ones before it',
    );
  return new Parser(tokenize(text), limits.maxDepth ?? DEFAULT_MAX_EXPRESSION_DEPTH).parse();
}

class Parser {
  readonly #tokens: readonly Token[];
  readonly #maxDepth: number;
  #i = 0;
  #depth = 0;

  constructor(tokens: readonly Token[], maxDepth: number) {
    this.#tokens = tokens;
    this.#maxDepth = maxDepth;
  }

  parse(): ExprNode {
    const first = this.#peek();
    if (first.kind === 'end') throw new ExpressionError('the expression is empty', 0);
    const node = this.#expr(0);
    const next = this.#peek();
    if (next.kind !== 'end') {
      const hint = next.kind === 'op' && next.value === ')' ? 'remove it, or open it with (' : undefined;
      throw new ExpressionError(
        `unexpected ${describe(next)}`,
        next.at,
        hint ?? 'join parts with an operator',
      );
    }
    return node;
  }

  #peek(): Token {
    return this.#tokens[this.#i]!;
  }

  #next(): Token {
    const t = this.#tokens[this.#i]!;
    if (t.kind !== 'end') this.#i++;
    return t;
  }

  #expr(minPower: number): ExprNode {
    const start = this.#peek();
    if (++this.#depth > this.#maxDepth)
      throw new ExpressionError(
        `the expression nests deeper than ${this.#maxDepth} levels`,
        start.at,
        'split it into several calculated fields, each using the ones before it',
      );
    let left = this.#prefix();
    for (;;) {
      const t = this.#peek();
      const op = infixOf(t);
      const power = op === undefined ? undefined : INFIX[op];
      if (op === undefined || power === undefined || power <= minPower) break;
      this.#next();
      const right = this.#expr(power);
      const normal = COMPARISONS[op] ?? (op as BinaryOp);
      left = { kind: 'binary', op: normal, left, right, at: left.at };
      const after = this.#peek();
      const again = infixOf(after);
      if (power === 4 && again !== undefined && INFIX[again] === 4)
        throw new ExpressionError(
          `comparisons do not chain: unexpected ${describe(after)}`,
          after.at,
          'join two comparisons with and, e.g. a < b and b < c',
        );
    }
    this.#depth--;
    return left;
  }

  #prefix(): ExprNode {
    const t = this.#next();
    switch (t.kind) {
      case 'number':
      case 'string':
        return { kind: 'literal', value: t.value, at: t.at };
      case 'end':
        throw new ExpressionError('the expression ends too soon', t.at, 'complete the expression');
      case 'op':
        if (t.value === '-') return { kind: 'unary', op: '-', arg: this.#expr(NEGATE_POWER - 1), at: t.at };
        if (t.value === '(') {
          const inner = this.#expr(0);
          this.#expect(')', t);
          return inner;
        }
        throw new ExpressionError(
          `unexpected ${describe(t)}`,
          t.at,
          'a value, a field or a function goes here',
        );
      case 'name': {
        const word = t.value.toLowerCase();
        if (!t.quoted && KEYWORDS.has(word)) {
          if (word === 'not') return { kind: 'unary', op: 'not', arg: this.#expr(NOT_POWER - 1), at: t.at };
          if (word === 'true' || word === 'false')
            return { kind: 'literal', value: word === 'true', at: t.at };
          if (word === 'null') return { kind: 'literal', value: null, at: t.at };
          throw new ExpressionError(
            `unexpected "${t.value}"`,
            t.at,
            `a value goes before ${word}; a field named "${t.value}" is written \`${t.value}\``,
          );
        }
        const open = this.#peek();
        if (!t.quoted && open.kind === 'op' && open.value === '(') {
          this.#next();
          return { kind: 'call', name: word, args: this.#args(open), at: t.at };
        }
        return { kind: 'field', name: t.value, at: t.at };
      }
    }
  }

  #args(open: Token): ExprNode[] {
    const args: ExprNode[] = [];
    const close = this.#peek();
    if (close.kind === 'op' && close.value === ')') {
      this.#next();
      return args;
    }
    for (;;) {
      args.push(this.#expr(0));
      const t = this.#peek();
      if (t.kind === 'op' && t.value === ',') {
        this.#next();
        continue;
      }
      this.#expect(')', open);
      return args;
    }
  }

  #expect(op: string, opener: Token): void {
    const t = this.#peek();
    if (t.kind === 'op' && t.value === op) {
      this.#next();
      return;
    }
    if (t.kind === 'end')
      throw new ExpressionError(
        `the parenthesis opened at column ${opener.at + 1} is not closed`,
        t.at,
        'add )',
      );
    throw new ExpressionError(`expected ${op}, got ${describe(t)}`, t.at, 'separate arguments with commas');
  }
}

/** The infix operator a token stands for, if any. */
function infixOf(t: Token): string | undefined {
  if (t.kind === 'op' && INFIX[t.value] !== undefined) return t.value;
  if (t.kind === 'name' && !t.quoted) {
    const word = t.value.toLowerCase();
    if (word === 'and' || word === 'or') return word;
  }
  return undefined;
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'end of the expression';
    case 'number':
      return `number ${t.value}`;
    case 'string':
      return `text ${JSON.stringify(t.value)}`;
    case 'name':
      return t.quoted ? `name \`${t.value}\`` : `"${t.value}"`;
    case 'op':
      return `"${t.value}"`;
  }
}

/** The fields an expression names, each once, in order of first use. */
export function fieldsOf(node: ExprNode): { name: string; at: number }[] {
  const out: { name: string; at: number }[] = [];
  const seen = new Set<string>();
  const walk = (n: ExprNode): void => {
    switch (n.kind) {
      case 'field':
        if (!seen.has(n.name)) {
          seen.add(n.name);
          out.push({ name: n.name, at: n.at });
        }
        return;
      case 'unary':
        walk(n.arg);
        return;
      case 'binary':
        walk(n.left);
        walk(n.right);
        return;
      case 'call':
        for (const a of n.args) walk(a);
        return;
      default:
        return;
    }
  };
  walk(node);
  return out;
}
