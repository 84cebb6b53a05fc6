import type { CustomTypesConfig } from 'pg';
import type { Value } from '../../frame.js';
import type { ColumnKind } from './dialect.js';

// Type OIDs from pg_type.
const KINDS: ReadonlyMap<number, ColumnKind> = new Map<number, ColumnKind>([
  [20, 'number'], // int8
  [21, 'number'], // int2
  [23, 'number'], // int4
  [26, 'number'], // oid
  [700, 'float4'],
  [701, 'number'], // float8
  [1700, 'numeric'],
  [16, 'bool'],
  [25, 'text'],
  [1043, 'text'], // varchar
  [19, 'text'], // name
  [1082, 'date'],
  [1114, 'timestamp'],
  [1184, 'timestamptz'],
]);

/** How the values of a column of type `oid` arrive; `other` for types read as their text form. */
export function kindOf(oid: number): ColumnKind {
  return KINDS.get(oid) ?? 'other';
}

const TIMESTAMP = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)$/;
const TIMESTAMPTZ = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)\+00$/;

const parseNumber = (s: string): Value => {
  const n = Number(s);
  return Number.isNaN(n) ? null : n;
};
const asText = (s: string): Value => s;

/**
 * Reads PostgreSQL's text output (sessions use `TimeZone=UTC`, `DateStyle=ISO`): integers,
 * floats and numerics as numbers (NaN as null; beyond 2^53 rounded), booleans as booleans, dates
 * as `2024-03-05`, timestamps as `2024-03-05T14:00:00Z` (fractions kept, `.5`), anything else
 * (uuid, json, intervals, arrays, infinity...) as the text PostgreSQL prints.
 */
function parserFor(oid: number): (s: string) => Value {
  switch (kindOf(oid)) {
    case 'number':
    case 'numeric':
    case 'float4':
      return parseNumber;
    case 'bool':
      return (s) => s === 't';
    case 'timestamp':
      return (s) => s.replace(TIMESTAMP, '$1T$2Z');
    case 'timestamptz':
      return (s) => s.replace(TIMESTAMPTZ, '$1T$2Z');
    default:
      return asText;
  }
}

/** Type parsers given to each client (never set globally, so other users of `pg` are unaffected). */
export const pgTypes: CustomTypesConfig = {
  // pg declares one overload per format; only text is ever requested.
  getTypeParser: ((oid: number) => parserFor(oid)) as unknown as CustomTypesConfig['getTypeParser'],
};
