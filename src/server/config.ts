import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { ChartpressError, problem } from '../errors.js';
import { problemsFromIssues } from '../spec/issues.js';
import { parseReportText } from '../spec/parse.js';

/** What a server allows, each with its default (the README's limits table). */
export const SERVER_LIMITS = {
  /** Largest request body, in bytes. */
  bodyBytes: 1_048_576,
  /** Most rows in all the inline datasets of one request. */
  inlineRows: 100_000,
  /** Most charts one report may define. */
  charts: 200,
  /** Longest a request may take, in ms; then 504 (a chart over its own timeout is a placeholder). */
  deadlineMs: 30_000,
  /** Renders at once; more wait in the queue. */
  concurrency: 4,
  /** Requests waiting for a render slot; past that, 503 with `Retry-After`. */
  queue: 64,
  /** Requests per client (by address, or token) per window; then 429. */
  rateLimit: 600,
  /** The rate limit's window, in ms. */
  rateWindowMs: 60_000,
  /** `Cache-Control: max-age` of chart responses, in seconds (their URL names their content). */
  chartMaxAgeS: 86_400,
  /** Chart answers kept for repeats of a request with its data inline, in bytes. */
  answerCacheBytes: 33_554_432,
  /** How long a document of a batch kept in Redis (`POST /v1/jobs`, `keep: redis`) lives, in s. */
  resultTtlS: 3600,
  /** Largest document of a batch kept in Redis, in bytes; a larger one is a failed entry. */
  resultMaxBytes: 16_777_216,
} as const;

export type ServerLimits = { -readonly [K in keyof typeof SERVER_LIMITS]: number };

const count = (max = 2 ** 31 - 1) => z.int().min(1).max(max);

const Connection = z.strictObject({
  source: z.literal('postgres').describe('The database kind: postgres.'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the ${VAR} syntax of the URL.
  url: z.string().min(1).describe('Connection URL; `${ENV_VAR}` is replaced from the environment.'),
  timeoutMs: count().optional().describe('Limit for connecting and for each read, in ms.'),
});
export type Connection = z.infer<typeof Connection>;

/** The server's config file (`--config`); flags given on the command line win. */
export const ServerConfigFile = z.strictObject({
  port: z.int().min(0).max(65_535).optional(),
  host: z.string().min(1).optional(),
  root: z.string().min(1).optional().describe('Folder of the files requests may read; reports in reports/.'),
  redis: z.string().min(1).optional().describe('Redis URL of the shared chart cache.'),
  cacheDir: z
    .string()
    .min(1)
    .optional()
    .describe('Disk cache folder. Defaults to .chartpress-cache under root.'),
  tokenFile: z.string().min(1).optional().describe('File of bearer tokens, one per line.'),
  metricsToken: z.boolean().optional().describe('Whether /metrics asks for a token too. Defaults to false.'),
  threads: count(64).optional().describe('Render worker threads. Defaults to the CPU count.'),
  queuePrefix: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional()
    .describe('Key prefix of the job queue on Redis (POST /v1/jobs). Defaults to chartpress.'),
  connections: z
    .record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), Connection)
    .optional()
    .describe('Databases a request may name, by name: a request never sends a URL.'),
  limits: z
    .strictObject({
      bodyBytes: count().optional(),
      inlineRows: count().optional(),
      charts: count().optional(),
      deadlineMs: count().optional(),
      concurrency: count(1024).optional(),
      queue: z.int().min(0).max(1_000_000).optional(),
      rateLimit: count().optional(),
      rateWindowMs: count().optional(),
      chartMaxAgeS: z.int().min(0).max(31_536_000).optional(),
      answerCacheBytes: z
        .int()
        .min(0)
        .max(2 ** 40)
        .optional(),
    })
    .optional(),
});
export type ServerConfigFile = z.infer<typeof ServerConfigFile>;

/** Everything a server runs with, paths absolute. */
export interface ServerConfig {
  readonly port: number;
  readonly host: string;
  readonly root: string;
  readonly redis?: string | undefined;
  readonly cacheDir: string | false;
  readonly tokens: readonly string[];
  readonly metricsToken: boolean;
  readonly threads?: number | undefined;
  readonly queuePrefix?: string | undefined;
  readonly connections: Readonly<Record<string, Connection>>;
  readonly limits: Readonly<ServerLimits>;
}

/** What `chartpress serve` was given on its command line. */
export interface ServeFlags {
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  readonly root?: string | undefined;
  readonly redis?: string | undefined;
  readonly config?: string | undefined;
  readonly tokenFile?: string | undefined;
  readonly cacheDir?: string | false | undefined;
}

/** Reads the config file (YAML or JSON), when there is one, and merges the flags over it. */
export function loadServerConfig(flags: ServeFlags, cwd = process.cwd()): ServerConfig {
  const file = flags.config ? resolve(cwd, flags.config) : undefined;
  const fromFile = file ? readConfigFile(file) : {};
  const base = file ? dirname(file) : cwd;
  const at = (p: string | undefined, from: string) => (p === undefined ? undefined : resolve(from, p));
  const root = at(flags.root, cwd) ?? at(fromFile.root, base) ?? cwd;
  const tokenFile = at(flags.tokenFile, cwd) ?? at(fromFile.tokenFile, base);
  const cacheDir =
    flags.cacheDir === false
      ? false
      : (at(flags.cacheDir, cwd) ?? at(fromFile.cacheDir, base) ?? resolve(root, '.chartpress-cache'));
  return {
    port: flags.port ?? fromFile.port ?? 3000,
    host: flags.host ?? fromFile.host ?? '127.0.0.1',
    root,
    redis: flags.redis ?? fromFile.redis,
    cacheDir,
    tokens: tokenFile ? readTokens(tokenFile) : [],
    metricsToken: fromFile.metricsToken ?? false,
    threads: fromFile.threads,
    queuePrefix: fromFile.queuePrefix,
    connections: fromFile.connections ?? {},
    limits: { ...SERVER_LIMITS, ...definedOnly(fromFile.limits ?? {}) },
  };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ChartpressError(
      code === 'ENOENT'
        ? problem('CP_ERR_FILE_NOT_FOUND', `${what} "${file}" does not exist`, { file })
        : problem('CP_ERR_FILE_READ', `cannot read ${what} "${file}" (${code ?? 'error'})`, { file }),
    );
  }
}

function readConfigFile(file: string): ServerConfigFile {
  const input = parseReportText(readText(file, 'config file'), file);
  const result = ServerConfigFile.safeParse(input);
  if (!result.success) throw new ChartpressError(problemsFromIssues(result.error.issues, input, file));
  return result.data;
}

/** Tokens, one per line; blank lines and lines starting with `#` are skipped. */
function readTokens(file: string): string[] {
  const tokens = readText(file, 'token file')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (tokens.length === 0)
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', `token file "${file}" holds no token`, {
        file,
        hint: 'write one token per line, at least 16 characters each',
      }),
    );
  const short = tokens.findIndex((t) => t.length < 16);
  if (short >= 0)
    throw new ChartpressError(
      problem('CP_ERR_INVALID_VALUE', `token ${short + 1} of "${file}" is shorter than 16 characters`, {
        file,
        hint: 'use long random tokens, e.g. `openssl rand -hex 32`',
      }),
    );
  return tokens;
}
