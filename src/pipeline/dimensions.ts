import { resolve } from 'node:path';
import {
  type Dimensions,
  type DimensionTable,
  loadDimension,
  lookupColumns,
  lookupsOf,
} from '../data/lookup.js';
import type { Secrets } from '../data/secrets.js';
import { openSource } from '../data/sources/index.js';
import { ChartpressError, type Problem, problem } from '../errors.js';
import type { Query } from '../spec/schema.js';
import type { DataContext } from './data.js';
import type { Plan } from './plan.js';

/**
 * The dimension datasets of a plan's lookups, each read once, in a pass of its own, when the
 * first scan that looks it up starts, and shared by every query that looks it up. Only the
 * columns the plan's lookups read are kept.
 */
export class PlanDimensions {
  readonly #needed = new Map<string, Set<string>>();
  readonly #loads = new Map<string, Promise<DimensionTable | Problem>>();
  readonly #ctx: DataContext;
  readonly #secrets: Secrets;

  constructor(plan: Plan, ctx: DataContext, secrets: Secrets) {
    this.#ctx = ctx;
    this.#secrets = secrets;
    for (const queries of plan.queries.values())
      for (const { query } of queries.values())
        for (const l of lookupsOf(query)) {
          const columns = this.#needed.get(l.from) ?? new Set<string>();
          for (const c of lookupColumns(l)) columns.add(c);
          this.#needed.set(l.from, columns);
        }
  }

  /** The dimensions the queries' lookups read, each read on first ask. */
  async for(queries: Iterable<Query>): Promise<Dimensions> {
    const names = new Set([...queries].flatMap((q) => lookupsOf(q).map((l) => l.from)));
    const out = new Map<string, DimensionTable | Problem>();
    for (const name of names) out.set(name, await this.#load(name));
    return out;
  }

  #load(name: string): Promise<DimensionTable | Problem> {
    let load = this.#loads.get(name);
    if (load === undefined) {
      load = this.#read(name).catch((thrown: unknown) => {
        const e = this.#secrets.error(thrown);
        if (!(e instanceof ChartpressError)) throw e;
        return e.problems[0] ?? problem('CP_ERR_DATA_READ', e.message);
      });
      this.#loads.set(name, load);
    }
    return load;
  }

  async #read(name: string): Promise<DimensionTable> {
    const ctx = this.#ctx;
    const dataset = ctx.report.datasets[name];
    if (dataset === undefined) throw new Error(`dataset "${name}" was not checked before planning`);
    const { onRead } = ctx;
    const declared =
      'path' in dataset && typeof dataset.path === 'string' ? resolve(ctx.baseDir, dataset.path) : undefined;
    const source = openSource(name, dataset, {
      baseDir: ctx.baseDir,
      file: ctx.file,
      roots: ctx.roots,
      onRead: onRead && declared !== undefined ? (sha) => onRead(declared, sha) : undefined,
    });
    return loadDimension(name, source, this.#needed.get(name) ?? new Set(), { file: ctx.file });
  }
}
