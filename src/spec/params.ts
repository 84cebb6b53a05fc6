import { parseIsoDate } from '../data/bucket.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import type { Value } from '../frame.js';
import { parseNumber } from '../frame.js';
import { describe } from './issues.js';
import type { ParamDef, Report } from './schema.js';

/** Param values as given by a caller: strings from the command line, or typed values from code. */
export type ParamInput = Readonly<Record<string, Value | undefined>>;

/** Resolved params: every declared param has a value of its declared type (or null). */
export type Params = Readonly<Record<string, Value>>;

// A calendar date, optionally with a time and an offset; parseIsoDate then checks the calendar.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Resolves the params of a run: given values (coerced from strings when they come from the
 * command line) over the declared defaults. Names are looked up as own properties only
 * (`constructor` or `__proto__` given but not declared are unknown). Unknown names, values of
 * the wrong type and values outside `values:` are reported together.
 */
export function resolveParams(report: Report, given: ParamInput = {}, file?: string): Params {
  const declared = report.params ?? {};
  const problems: Problem[] = [];
  const out: Record<string, Value> = Object.create(null);
  for (const name of Object.keys(given)) {
    if (!Object.hasOwn(declared, name)) {
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
    const isGiven = Object.hasOwn(given, name) && given[name] !== undefined;
    const raw = isGiven ? given[name] : def.default;
    const path = isGiven ? `params.${name}` : `params.${name}.default`;
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
    if (def.values) {
      const allowed = allowedValues(name, def, file, problems);
      if (allowed === undefined) continue;
      if (!allowed.some((v) => v === value)) {
        problems.push(
          problem('CP_ERR_PARAM_TYPE', `expected one of ${def.values.join('|')}, got ${describe(raw)}`, {
            file,
            path,
          }),
        );
        continue;
      }
    }
    out[name] = value;
  }
  if (problems.length) throw new ChartpressError(problems);
  return Object.freeze(out);
}

/**
 * The `values:` of a param read as its type, so that they compare with a given value (`"2"` in
 * the list of a number param is 2); undefined, with problems, when some are not of the type.
 */
function allowedValues(
  name: string,
  def: ParamDef,
  file: string | undefined,
  problems: Problem[],
): Value[] | undefined {
  let ok = true;
  const allowed = (def.values ?? []).map((v, i) => {
    const value = v === null ? null : coerce(v, def);
    if (value === undefined) {
      ok = false;
      problems.push(
        problem('CP_ERR_PARAM_TYPE', `expected a ${def.type}, got ${describe(v)}`, {
          file,
          path: `params.${name}.values[${i}]`,
        }),
      );
    }
    return value ?? null;
  });
  return ok ? allowed : undefined;
}

function coerce(raw: Value, def: ParamDef): Value | undefined {
  switch (def.type) {
    case 'number': {
      if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
      // Decimal only: no "0x10", "0b1", "1_000", "Infinity" or "" (all of which Number() takes).
      return typeof raw === 'string' ? parseNumber(raw) : undefined;
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(s)) return true;
      if (['false', 'no', '0', 'off'].includes(s)) return false;
      return undefined;
    }
    case 'date':
      // On the calendar: 2024-02-31 and 2023-02-29 are no dates.
      return typeof raw === 'string' && ISO_DATE.test(raw) && parseIsoDate(raw) !== null ? raw : undefined;
    default:
      return typeof raw === 'string' || typeof raw === 'number' ? String(raw) : undefined;
  }
}
