import type { ExprType } from '../expr/types.js';
import { type ColumnKind, type Dialect, NotPushable, quoteIdent } from './dialect.js';

/** A column as the compiler reads it: its reference, how its values arrive, and their type when known. */
export interface SqlRef {
  readonly ref: string;
  readonly kind: ColumnKind;
  /** The type of its values when known beyond the kind (a calculated field's). */
  readonly type?: ExprType | undefined;
  /** Its values are engine values already (see `SqlExpr.clean`): a calculated field's, mostly. */
  readonly clean?: boolean | undefined;
}

/** Collects bind values in the order their placeholders appear, and resolves columns. */
export class SqlBuilder {
  readonly values: (number | string)[];
  readonly #kinds: ReadonlyMap<string, ColumnKind> | undefined;
  readonly #calculated = new Map<string, SqlRef>();
  readonly #scope: ReadonlyMap<string, SqlRef> | undefined;

  /** `kinds`: the dataset's columns; without them every column is `dynamic` (SQLite). */
  constructor(
    readonly dialect: Dialect,
    kinds?: ReadonlyMap<string, ColumnKind>,
    scope?: { readonly columns: ReadonlyMap<string, SqlRef>; readonly values: (number | string)[] },
  ) {
    this.#kinds = kinds;
    this.#scope = scope?.columns;
    this.values = scope?.values ?? [];
  }

  /** A placeholder for `value`, bound in text order; `int` for an integer such as a limit. */
  bind(value: number | string, int = false): string {
    this.values.push(value);
    return this.dialect.param(this.values.length, value, int);
  }

  /** `t."name"` and how its values arrive: a calculated field, or a column of the base. */
  column(name: string): SqlRef {
    if (this.#scope !== undefined) {
      const found = this.#scope.get(name);
      if (found === undefined) throw new NotPushable(`no output column "${name}"`);
      return found;
    }
    const calculated = this.#calculated.get(name);
    if (calculated !== undefined) return calculated;
    const kind = this.#kinds === undefined ? 'dynamic' : this.#kinds.get(name);
    if (kind === undefined) throw new NotPushable(`no column "${name}"`);
    return { ref: `t.${quoteIdent(name)}`, kind };
  }

  /** Makes `name` a calculated field, read as `t."name"` from here on. */
  calculated(name: string, kind: ColumnKind, type: ExprType, clean: boolean): void {
    this.#calculated.set(name, { ref: `t.${quoteIdent(name)}`, kind, type, clean });
  }

  /** A builder binding into the same values that reads the columns given (the output of a query, say). */
  scoped(columns: ReadonlyMap<string, SqlRef>): SqlBuilder {
    return new SqlBuilder(this.dialect, undefined, { columns, values: this.values });
  }
}
