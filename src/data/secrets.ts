import { ChartpressError, type Problem, type Warning } from '../errors.js';
import type { Dataset } from '../spec/schema.js';

/** What a secret is replaced by. */
export const REDACTED = '***';

/** `${NAME}` in a connection URL. */
const ENV_VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * Values that must never leave the process (the passwords of connection URLs), and the one
 * function that removes them from text: problems, warnings and errors pass through `scrub`
 * before anything shows them.
 */
export class Secrets {
  /** What each value is replaced by; longest value first, so one that holds another goes whole. */
  #values: [string, string][] = [];

  /** Adds secrets; empty and missing values are ignored. */
  add(values: Iterable<string | null | undefined>): this {
    return this.#with(values, REDACTED);
  }

  /**
   * Folders (with their trailing separator) to cut from paths: a path under one is shown relative
   * to it. A server shows no client the folders it serves from.
   */
  hideFolders(prefixes: Iterable<string>): this {
    return this.#with(prefixes, '');
  }

  #with(values: Iterable<string | null | undefined>, by: string): this {
    const all = new Map(this.#values);
    for (const v of values) if (typeof v === 'string' && v !== '' && !all.has(v)) all.set(v, by);
    this.#values = [...all].sort((a, b) => b[0].length - a[0].length);
    return this;
  }

  get size(): number {
    return this.#values.length;
  }

  /** The text with every secret replaced by `***` (and every hidden folder cut). */
  scrub(text: string): string {
    let out = text;
    for (const [v, by] of this.#values) if (out.includes(v)) out = out.split(v).join(by);
    return out;
  }

  /** The problem with its message, hint and file scrubbed (the same object when nothing changed). */
  problem<P extends Problem>(p: P): P {
    const message = this.scrub(p.message);
    const hint = this.scrub(p.hint);
    const file = p.file === undefined ? undefined : this.scrub(p.file);
    if (message === p.message && hint === p.hint && file === p.file) return p;
    return { ...p, message, hint, ...(file !== undefined ? { file } : {}) };
  }

  warning<W extends Warning>(w: W): W {
    const message = this.scrub(w.message);
    const file = w.file === undefined ? undefined : this.scrub(w.file);
    if (message === w.message && file === w.file) return w;
    return { ...w, message, ...(file !== undefined ? { file } : {}) };
  }

  /**
   * The error with secrets removed: a `ChartpressError` rebuilt from scrubbed problems, any
   * other error replaced by a plain one with a scrubbed message. Neither keeps a `cause` that
   * held a secret.
   */
  error(e: unknown): unknown {
    if (this.#values.length === 0) return e;
    if (e instanceof ChartpressError) {
      const problems = e.problems.map((p) => this.problem(p));
      if (problems.every((p, i) => p === e.problems[i]) && !this.#holds(e.cause)) return e;
      return new ChartpressError(problems);
    }
    if (!this.#holds(e)) return e;
    const message = this.scrub(e instanceof Error ? e.message : String(e));
    return new Error(message);
  }

  /** Whether an error (its message, stack and own fields, one level deep) shows a secret. */
  #holds(e: unknown): boolean {
    if (e === undefined || e === null) return false;
    const parts: unknown[] = [e];
    if (typeof e === 'object') {
      parts.push((e as Error).message, (e as Error).stack);
      for (const key of Object.getOwnPropertyNames(e)) parts.push((e as Record<string, unknown>)[key]);
    }
    return parts.some((p) => typeof p === 'string' && this.scrub(p) !== p);
  }
}

/**
 * The secrets of a connection URL as written in a report (`${NAME}` taken from `env`): its
 * password as written, percent-decoded and percent-encoded; the value of each `${NAME}` in the
 * password; a `password=` parameter; and `PGPASSWORD`, which the driver falls back on.
 */
export function urlSecrets(template: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const resolved = template.replace(ENV_VAR, (_, name: string) => env[name] ?? '');
  const password = passwordOf(resolved);
  if (password !== undefined) out.push(password, decoded(password), encodeURIComponent(decoded(password)));
  for (const m of resolved.matchAll(/[?&]password=([^&#]*)/gi)) out.push(m[1] ?? '', decoded(m[1] ?? ''));
  // A variable inside the password is secret even when the URL around it does not parse.
  const start = template.indexOf('://') + 3;
  const at = template.lastIndexOf('@');
  const colon = template.indexOf(':', start);
  for (const m of template.matchAll(ENV_VAR)) {
    if (colon >= 0 && m.index > colon && m.index < at) out.push(env[m[1] ?? ''] ?? '');
  }
  out.push(env.PGPASSWORD ?? '');
  return out.filter((s) => s !== '');
}

/**
 * The password of a URL as its author meant it: everything between the first `:` after `//`
 * and the last `@`, undecoded, or undefined when the URL has none. Characters that a URL parser
 * reads differently (`@ / ? #` unencoded) stay part of it here.
 */
export function passwordOf(url: string): string | undefined {
  const start = url.indexOf('://');
  if (start < 0) return undefined;
  const rest = url.slice(start + 3);
  const at = rest.lastIndexOf('@');
  if (at < 0) return undefined;
  const user = rest.slice(0, at);
  const colon = user.indexOf(':');
  return colon < 0 ? undefined : user.slice(colon + 1);
}

/** The secrets of every connection URL of a report's datasets. */
export function datasetSecrets(datasets: Readonly<Record<string, Dataset>>): Secrets {
  const secrets = new Secrets();
  for (const d of Object.values(datasets)) if (d.source === 'postgres') secrets.add(urlSecrets(d.url));
  return secrets;
}

function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
