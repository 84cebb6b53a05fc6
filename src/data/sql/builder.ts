import { type ColumnKind, type Dialect, NotPushable, quoteIdent } from './dialect.js';

/** Collects bind values in the order their placeholders appear, and resolves columns. */
export class SqlBuilder {
  readonly values: (number | string)[] = [];
  readonly #kinds: ReadonlyMap<string, ColumnKind> | undefined;

  /** `kinds`: the dataset's columns; without them every column is `dynamic` (SQLite). */
  constructor(
    readonly dialect: Dialect,
    kinds?: ReadonlyMap<string, ColumnKind>,
  ) {
    this.#kinds = kinds;
  }

  /** A placeholder for `value`, bound in text order; `int` for an integer such as a limit. */
  bind(value: number | string, int = false): string {
    this.values.push(value);
    return this.dialect.param(this.values.length, value, int);
  }

  /** `t."name"` and how its values arrive. */
  column(name: string): { ref: string; kind: ColumnKind } {
    const kind = this.#kinds === undefined ? 'dynamic' : this.#kinds.get(name);
    if (kind === undefined) throw new NotPushable(`no column "${name}"`);
    return { ref: `t.${quoteIdent(name)}`, kind };
  }
}
