import { ChartpressError, type ErrorCode, type Problem, problem } from '../errors.js';
import { MAX_EXTENDS_DEPTH } from './limits.js';

/**
 * `extends:` between charts, resolved on the report as written, before it is validated, so that
 * the schema and every check see whole charts:
 *
 *   charts:
 *     spark: { type: sparkline, data: { from: prices }, encode: { y: close }, options: { width: 120 } }
 *     goog: { extends: spark, data: { filter: [{ field: symbol, value: GOOG }] } }
 *
 * A chart starts from the chart it names (itself resolved first) and its own fields are merged
 * over it: objects (`data`, `encode`, `options`, and objects inside them) merge key by key, lists
 * and plain values replace what they override. A chart in the body may extend a named chart too.
 *
 * Where a problem points: a value a chart inherits is reported once, where it is written
 * (`charts.spark.options.width`). A value that is valid where it is written but not in the chart
 * that inherits it (an option of another chart type, say) is reported at the inheriting chart
 * (`charts.goog.options.showMin`), saying which chart it comes from.
 */

/** Which chart each part of a resolved chart comes from (a chart path such as `charts.spark`). */
interface Origin {
  readonly owner: string;
  /** For an object merged from several charts: the origin of each of its keys. */
  readonly children?: ReadonlyMap<string, Origin>;
}

/** The charts of a report that extend others, and where each of their parts was written. */
export class Inheritance {
  /** Chart path (`charts.goog`, `body[2].chart`) -> origin of its parts. */
  readonly #charts: ReadonlyMap<string, Origin>;

  constructor(charts: ReadonlyMap<string, Origin>) {
    this.#charts = charts;
  }

  /**
   * The problems found in resolved charts, each pointing where its value was written: one that
   * the chart the value comes from reports too is dropped; another says where its value comes from.
   */
  attribute(problems: readonly Problem[]): Problem[] {
    const seen = new Set(problems.map(sameAs));
    const out: Problem[] = [];
    for (const p of problems) {
      const origin = p.path === undefined ? undefined : this.#originOf(p.path);
      if (!origin) {
        out.push(p);
        continue;
      }
      const written = { ...p, path: origin.path };
      if (seen.has(sameAs(written))) continue;
      out.push({ ...p, message: `${p.message} (inherited from ${origin.owner})` });
    }
    return out;
  }

  /** Where the value at `path` was written, when another chart than the one at `path` wrote it. */
  #originOf(path: string): { owner: string; path: string } | undefined {
    let chart: string | undefined;
    for (const c of this.#charts.keys()) {
      if (isUnder(path, c) && (chart === undefined || c.length > chart.length)) chart = c;
    }
    if (chart === undefined) return undefined;
    let origin = this.#charts.get(chart);
    let rest = path.slice(chart.length);
    while (origin?.children && rest !== '') {
      let key: string | undefined;
      for (const k of origin.children.keys()) {
        if (isUnder(rest, `.${k}`) && (key === undefined || k.length > key.length)) key = k;
      }
      if (key === undefined) break;
      origin = origin.children.get(key);
      rest = rest.slice(key.length + 1);
    }
    if (!origin || origin.owner === chart) return undefined;
    return { owner: origin.owner, path: origin.owner + path.slice(chart.length) };
  }
}

/** A report with its `extends:` resolved, and where the parts of each extending chart come from. */
export interface Resolved {
  readonly input: unknown;
  /** Undefined when no chart extends another. */
  readonly inheritance: Inheritance | undefined;
}

/**
 * Resolves `extends:` in a report as written (see the top of this file). A name that is not a
 * chart under `charts:` is `CP_ERR_UNKNOWN_CHART`, a cycle or a chain longer than
 * `MAX_EXTENDS_DEPTH` is `CP_ERR_INVALID_VALUE`, each at the `extends` field. The input is not
 * changed; a value that is not a string is left for the schema to report.
 */
export function resolveExtends(input: unknown, file?: string): Resolved {
  if (!isPlain(input)) return { input, inheritance: undefined };
  const named = isPlain(input.charts) ? input.charts : {};
  const problems: Problem[] = [];
  const fail = (code: ErrorCode, message: string, at: string, hint: string) =>
    problems.push(problem(code, message, { file, path: `${at}.extends`, hint }));
  const unknown = (base: string, at: string) => {
    const names = Object.keys(named);
    const hint = names.length ? `defined charts: ${names.join(', ')}` : 'no charts are defined';
    fail('CP_ERR_UNKNOWN_CHART', `chart "${base}" is not defined`, at, hint);
  };
  const tooLong = (chain: readonly string[], at: string) => {
    const message = `extends a chain of ${chain.length} charts, more than ${MAX_EXTENDS_DEPTH}: ${chain.join(' -> ')}`;
    fail('CP_ERR_INVALID_VALUE', message, at, 'extend a chart nearer the end of the chain');
  };
  const lengths = chainLengths(named, {
    unknown: (name, base) => unknown(base, `charts.${name}`),
    cycle: (cycle) =>
      fail(
        'CP_ERR_INVALID_VALUE',
        `charts extend one another in a cycle: ${cycle.join(' -> ')}`,
        `charts.${cycle[0]}`,
        'remove one of the `extends` in the cycle',
      ),
    tooLong: (name) => tooLong(chainOf(named, name), `charts.${name}`),
  });

  // Chains are now known to end within the limit: resolving recurses at most that deep.
  const origins = new Map<string, Origin>();
  const done = new Map<string, { chart: unknown; origin: Origin }>();
  const resolve = (name: string): { chart: unknown; origin: Origin } => {
    const known = done.get(name);
    if (known) return known;
    const def = named[name];
    const at = `charts.${name}`;
    let result = { chart: def, origin: { owner: at } as Origin };
    if (isPlain(def) && typeof def.extends === 'string') {
      const { extends: base, ...own } = def;
      const from = resolve(base as string);
      result = mergeChart(from.chart, from.origin, own, at);
      origins.set(at, result.origin);
    }
    done.set(name, result);
    return result;
  };

  let charts: Record<string, unknown> | undefined;
  for (const [name, length] of lengths) {
    if (length === 'failed' || length === 1) continue;
    charts ??= { ...named };
    define(charts, name, resolve(name).chart);
  }
  const body = resolveBody(input.body, 'body', (def, at) => {
    const base = def.extends as string;
    const length = Object.hasOwn(named, base) ? lengths.get(base) : undefined;
    if (length === undefined) unknown(base, at);
    else if (length !== 'failed' && length + 1 > MAX_EXTENDS_DEPTH)
      tooLong([at, ...chainOf(named, base)], at);
    else if (length !== 'failed') {
      const { extends: _, ...own } = def;
      const from = resolve(base);
      const r = mergeChart(from.chart, from.origin, own, at);
      origins.set(at, r.origin);
      return r.chart;
    }
    return def;
  });
  if (problems.length) throw new ChartpressError(problems);
  if (origins.size === 0) return { input, inheritance: undefined };
  const out = { ...input };
  if (charts) define(out, 'charts', charts);
  if (body !== input.body) define(out, 'body', body);
  return { input: out, inheritance: new Inheritance(origins) };
}

/** What `chainLengths` tells of charts whose `extends` cannot be resolved, each once. */
interface ChainProblems {
  /** `name` extends `base`, which is not a chart. */
  unknown(name: string, base: string): void;
  /** The charts of a cycle, in order, the first repeated at the end. */
  cycle(cycle: readonly string[]): void;
  /** The chain from `name` passes the limit (and the chain from what it extends does not). */
  tooLong(name: string): void;
}

/**
 * How many charts each named chart is made of (itself included: 1 for one that extends nothing),
 * or `failed`: its chain names an unknown chart, loops, or passes `MAX_EXTENDS_DEPTH` (each told
 * to `report` once, where it starts; the charts that lead into it fail silently). Walks each
 * chain in a loop, so that a chain of any length costs no stack.
 */
function chainLengths(named: Record<string, unknown>, report: ChainProblems): Map<string, number | 'failed'> {
  const lengths = new Map<string, number | 'failed'>();
  for (const start of Object.keys(named)) {
    const path: string[] = [];
    const onPath = new Set<string>();
    let tail: number | 'failed' | undefined;
    let cur = start;
    while (tail === undefined) {
      const known = lengths.get(cur);
      const def = named[cur];
      if (known !== undefined) tail = known;
      else if (onPath.has(cur)) {
        const cycle = path.slice(path.indexOf(cur));
        report.cycle([...cycle, cur]);
        for (const name of cycle) lengths.set(name, 'failed');
        path.length -= cycle.length;
        tail = 'failed';
      } else if (!(isPlain(def) && typeof def.extends === 'string')) {
        lengths.set(cur, 1);
        tail = 1;
      } else if (!Object.hasOwn(named, def.extends)) {
        report.unknown(cur, def.extends);
        lengths.set(cur, 'failed');
        tail = 'failed';
      } else {
        path.push(cur);
        onPath.add(cur);
        cur = def.extends;
      }
    }
    for (let i = path.length - 1; i >= 0; i--) {
      const name = path[i] as string;
      if (tail !== 'failed' && tail + 1 > MAX_EXTENDS_DEPTH) {
        report.tooLong(name);
        tail = 'failed';
      } else if (tail !== 'failed') tail++;
      lengths.set(name, tail);
    }
  }
  return lengths;
}

/** The names along the chain from `name` (itself first), at most one past the limit. */
function chainOf(named: Record<string, unknown>, name: string): string[] {
  const chain = [name];
  let def = named[name];
  while (isPlain(def) && typeof def.extends === 'string' && chain.length <= MAX_EXTENDS_DEPTH) {
    chain.push(def.extends);
    def = named[def.extends];
  }
  return chain;
}

/**
 * The body with its inline charts that extend a named chart resolved by `resolveChart`: the
 * arrays and blocks on the way to a changed chart are copied, the rest is shared.
 */
function resolveBody(
  blocks: unknown,
  at: string,
  resolveChart: (def: Record<string, unknown>, at: string) => unknown,
): unknown {
  if (!Array.isArray(blocks)) return blocks;
  let out: unknown[] | undefined;
  blocks.forEach((block, i) => {
    if (!isPlain(block)) return;
    const path = `${at}[${i}]`;
    let changed: Record<string, unknown> | undefined;
    const replace = (key: string, value: unknown) => {
      if (value === block[key]) return;
      changed ??= { ...block };
      define(changed, key, value);
    };
    if (isPlain(block.chart) && typeof block.chart.extends === 'string')
      replace('chart', resolveChart(block.chart, `${path}.chart`));
    for (const key of ['row', 'then', 'else'])
      if (Object.hasOwn(block, key)) replace(key, resolveBody(block[key], `${path}.${key}`, resolveChart));
    if (changed) {
      out ??= [...blocks];
      out[i] = changed;
    }
  });
  return out ?? blocks;
}

/** `over` merged onto the resolved chart `base`, and where each part of the result comes from. */
function mergeChart(
  base: unknown,
  baseOrigin: Origin,
  over: Record<string, unknown>,
  owner: string,
): { chart: unknown; origin: Origin } {
  // A base that is not an object is reported where it is written; the chart keeps its own fields.
  if (!isPlain(base)) return { chart: over, origin: { owner } };
  const [chart, origin] = merge(base, baseOrigin, over, owner);
  return { chart, origin };
}

/** Objects merge key by key; anything else in `over` replaces what it overrides. */
function merge(
  base: Record<string, unknown>,
  baseOrigin: Origin,
  over: Record<string, unknown>,
  owner: string,
): [Record<string, unknown>, Origin] {
  const out: Record<string, unknown> = { ...base };
  const children = new Map<string, Origin>();
  for (const key of Object.keys(base))
    children.set(key, baseOrigin.children?.get(key) ?? { owner: baseOrigin.owner });
  for (const key of Object.keys(over)) {
    const [b, o] = [base[key], over[key]];
    const from = children.get(key);
    if (Object.hasOwn(base, key) && isPlain(b) && isPlain(o) && from) {
      const [value, origin] = merge(b, from, o, owner);
      define(out, key, value);
      children.set(key, origin);
    } else {
      define(out, key, o);
      children.set(key, { owner });
    }
  }
  return [out, { owner, children }];
}

/** Sets an own property, whatever its name (`__proto__` included). */
function define(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Whether `path` is `prefix` or lies under it. */
function isUnder(path: string, prefix: string): boolean {
  if (!path.startsWith(prefix)) return false;
  const next = path.charAt(prefix.length);
  return next === '' || next === '.' || next === '[';
}

/** What makes two problems the same report. */
function sameAs(p: Problem): string {
  return `${p.code}\0${p.path ?? ''}\0${p.message}`;
}

const registry = new WeakMap<object, Inheritance>();

/** Notes where the parts of a validated report's extending charts come from (see `inheritanceOf`). */
export function rememberInheritance(report: object, inheritance: Inheritance | undefined): void {
  if (inheritance) registry.set(report, inheritance);
}

/** The problems of a validated report, attributed as `Inheritance.attribute` does. */
export function attributeProblems(report: object, problems: readonly Problem[]): readonly Problem[] {
  return registry.get(report)?.attribute(problems) ?? problems;
}
