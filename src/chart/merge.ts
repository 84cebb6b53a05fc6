type Plain = Record<string, unknown>;

function isPlain(v: unknown): v is Plain {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

function mergeValue(base: unknown, patch: unknown, key: string): unknown {
  if (key === 'series') return mergeSeries(base, patch);
  if (isPlain(base) && isPlain(patch)) return mergeObjects(base, patch);
  return patch;
}

function mergeObjects(base: Plain, patch: Plain): Plain {
  const out: Plain = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (UNSAFE.has(key)) continue;
    out[key] = mergeValue(base[key], value, key);
  }
  return out;
}

/** Series merge by index; a single object patches every series. */
function mergeSeries(base: unknown, patch: unknown): unknown {
  const list = Array.isArray(base) ? base : isPlain(base) ? [base] : undefined;
  if (list === undefined) return patch;
  if (isPlain(patch)) return list.map((s) => (isPlain(s) ? mergeObjects(s, patch) : s));
  if (!Array.isArray(patch)) return patch;
  const n = Math.max(list.length, patch.length);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const b = list[i];
    const p = patch[i];
    if (i >= patch.length || p === undefined) out.push(b);
    else out.push(isPlain(b) && isPlain(p) ? mergeObjects(b, p) : p);
  }
  return out;
}

/**
 * Deep-merges a raw ECharts option (the `echarts` escape hatch) into a generated one: objects
 * merge key by key, arrays and other values replace, except `series`, which merges by index
 * (an object instead of an array patches every series). Neither input is modified.
 */
export function mergeOption<T extends object>(base: T, patch: Readonly<Record<string, unknown>>): T {
  return mergeObjects(base as Plain, patch as Plain) as T;
}
