import type { Value } from '../data/frame.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import { describe } from './issues.js';
import type { ParamDef, Report } from './schema.js';

/** Param values as given by a caller: strings from the command line, or typed values from code. */
export type ParamInput = Readonly<Record<string, Value | undefined>>;

/** Resolved params: every declared param has a value of its declared type (or null). */
export type Params = Readonly<Record<string, Value>>;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Resolves the params of a run: given values (coerced from strings when they come from the
 * command line) over the declared defaults. Unknown names and values of the wrong type are
 * reported together.
 */
export function resolveParams(report: Report, given: ParamInput = {}, file?: string): Params {
  const declared = report.params ?? {};
  const problems: Problem[] = [];
  const out: Record<string, Value> = {};
  for (const name of Object.keys(given)) {
    if (!(name in declared)) {
      const known = Object.keys(declared);
      problems.push(
        problem('CP_ERR_UNKNOWN_PARAM', `param "${name}" is not declared`, {
          file,
          path: `params.${name}`,
          hint: known.length ? `declared params: ${known.join(', ')}` : 'declare it under `params:`',
        }),
      );
    }
  }
  for (const [name, def] of Object.entries(declared)) {
    const raw = given[name] !== undefined ? given[name] : def.default;
    const path = given[name] !== undefined ? `params.${name}` : `params.${name}.default`;
    if (raw === undefined || raw === null) {
      out[name] = null;
      continue;
    }
    const value = coerce(raw, def);
    if (value === undefined) {
      problems.push(
        problem('CP_ERR_PARAM_TYPE', `expected a ${def.type}, got ${describe(raw)}`, { file, path }),
      );
      continue;
    }
    if (def.values && !def.values.includes(value)) {
      problems.push(
        problem('CP_ERR_PARAM_TYPE', `expected one of ${def.values.join('|')}, got ${describe(raw)}`, {
          file,
          path,
        }),
      );
      continue;
    }
    out[name] = value;
  }
  if (problems.length) throw new ChartpressError(problems);
  return Object.freeze(out);
}

function coerce(raw: Value, def: ParamDef): Value | undefined {
  switch (def.type) {
    case 'number': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
      if (typeof raw !== 'string' || raw.trim() === '') return undefined;
      const n = Number(raw);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(s)) return true;
      if (['false', 'no', '0', 'off'].includes(s)) return false;
      return undefined;
    }
    case 'date':
      return typeof raw === 'string' && ISO_DATE.test(raw) && !Number.isNaN(Date.parse(raw))
        ? raw
        : undefined;
    default:
      return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
  }
}
