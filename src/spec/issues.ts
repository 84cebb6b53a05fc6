import type { z } from 'zod';
import { type ErrorCode, formatPath, type Problem, problem } from '../errors.js';

/** Keys that identify a body block; a block must have exactly one of them. */
const BLOCK_KEYS = ['heading', 'text', 'chart', 'row', 'when', 'table', 'pagebreak'] as const;

type Issue = z.core.$ZodIssue;

/**
 * Turns zod issues into chartpress problems: one per issue, each with a `CP_ERR_*` code, the
 * field path and a message that names the bad value and what was expected.
 */
export function problemsFromIssues(issues: readonly Issue[], input: unknown, file?: string): Problem[] {
  const out: Problem[] = [];
  for (const issue of issues) collect(issue, [], input, file, out);
  return out;
}

function collect(
  issue: Issue,
  prefix: PropertyKey[],
  input: unknown,
  file: string | undefined,
  out: Problem[],
) {
  const path = [...prefix, ...issue.path];
  const at = (code: ErrorCode, message: string) =>
    out.push(problem(code, message, { file, path: formatPath(path) }));
  const value = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_type':
      if (value === undefined) at('CP_ERR_MISSING_FIELD', `required ${issue.expected} is missing`);
      else at('CP_ERR_INVALID_VALUE', `expected ${issue.expected}, got ${describe(value)}`);
      return;
    case 'unrecognized_keys':
      for (const key of issue.keys) {
        out.push(
          problem('CP_ERR_UNKNOWN_FIELD', `unknown field "${key}"`, {
            file,
            path: formatPath([...path, key]),
          }),
        );
      }
      return;
    case 'invalid_value':
      at(
        'CP_ERR_INVALID_ENUM',
        `expected one of ${issue.values.map(String).join('|')}, got ${describe(value)}`,
      );
      return;
    case 'invalid_union': {
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = 'options' in issue && Array.isArray(issue.options) ? issue.options : [];
        const got = valueAt(input, path);
        if (got === undefined)
          at('CP_ERR_MISSING_FIELD', `required field is missing: one of ${options.join('|')}`);
        else at('CP_ERR_INVALID_ENUM', `expected one of ${options.join('|')}, got ${describe(got)}`);
        return;
      }
      if (isBodyBlock(path) && !hasOneBlockKey(value)) {
        at(
          'CP_ERR_INVALID_VALUE',
          `a body block needs exactly one of ${BLOCK_KEYS.join(', ')}; got ${describe(value)}`,
        );
        return;
      }
      const branch = bestBranch(issue.errors);
      if (branch) for (const inner of branch) collect(inner, path, input, file, out);
      else at('CP_ERR_INVALID_VALUE', `invalid value ${describe(value)}`);
      return;
    }
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
    case 'invalid_format':
      at('CP_ERR_INVALID_VALUE', `${lowerFirst(issue.message)}, got ${describe(value)}`);
      return;
    case 'custom': {
      // A refinement may carry its own hint (`params: { hint }`).
      const hint = issue.params?.hint;
      const where = { file, path: formatPath(path), hint: typeof hint === 'string' ? hint : undefined };
      out.push(problem('CP_ERR_INVALID_VALUE', lowerFirst(issue.message), where));
      return;
    }
    default:
      at('CP_ERR_INVALID_VALUE', lowerFirst(issue.message));
  }
}

/**
 * Of a union's failed branches, the one the user most likely meant: the fewest issues, and
 * among those the deepest (an error inside an object beats "expected string" at its root); a
 * branch of the value's own kind before one that wants another kind (`whisker: "max"` is
 * "expected one of minmax", not "expected number").
 */
function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: readonly Issue[] | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const branch of branches) {
    if (branch.length === 0) continue;
    const depth = Math.max(...branch.map((i) => i.path.length));
    const otherKind = branch.every((i) => i.code === 'invalid_type' && i.path.length === 0);
    const score = branch.length * 100 - depth + (otherKind ? 50 : 0);
    if (score < bestScore) {
      best = branch;
      bestScore = score;
    }
  }
  return best;
}

function isBodyBlock(path: readonly PropertyKey[]): boolean {
  const parent = path[path.length - 2];
  return (
    typeof path[path.length - 1] === 'number' &&
    (parent === 'body' || parent === 'then' || parent === 'else' || parent === 'row')
  );
}

function hasOneBlockKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return BLOCK_KEYS.filter((k) => k in value).length === 1;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** A short description of a value for messages: strings quoted, long values cut. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return `an object with ${Object.keys(value).join(', ') || 'no fields'}`;
  return String(value);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
