import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { literal } from './duckdb-errors.js';

/** Most locked-down DuckDB instances kept idle for reuse, over all limits and folders: 2. */
export const DUCKDB_IDLE_MAX = 2;
/** How long an idle DuckDB instance is kept before it is closed, in ms: 30000. */
export const DUCKDB_IDLE_MS = 30_000;
/** Most disk DuckDB may spill to, in MiB: 10240. */
export const DEFAULT_DUCKDB_TEMP_MB = 10_240;

/** What a locked-down instance is made with; instances are reused only for the same. */
export interface InstanceLimits {
  readonly threads: number;
  readonly memoryLimitMb: number;
  /** The folders DuckDB may read, each ending in a separator. */
  readonly folders: readonly string[];
  /** A DuckDB database file attached read-only as `src` and used; such an instance is never reused. */
  readonly database?: string | undefined;
}

/** An instance lent to one read at a time, with a connection of the read's own. */
export interface Lease {
  readonly connection: DuckDBConnection;
  /** Another connection to the instance, for the read's statements to run side by side. */
  connect(): Promise<DuckDBConnection>;
  /**
   * Closes the connection and gives the instance back: kept idle for the next read when
   * `reusable`, else closed.
   */
  release(reusable: boolean): Promise<void>;
}

interface Idle {
  readonly key: string;
  readonly instance: DuckDBInstance;
  readonly temp: string;
  readonly timer: NodeJS.Timeout;
}

const idle: Idle[] = [];
let exitHook = false;

/**
 * A locked-down in-memory DuckDB for one read: an idle one made with the same limits when there is
 * one, else a new one. A new instance installs and autoloads no extension, reads files only under
 * `folders` (external access off), has the memory limit and thread count given, spills to a temp
 * folder of its own (at most `DEFAULT_DUCKDB_TEMP_MB`), works in UTC, and has its configuration
 * locked before it is lent, so no SQL of a report can change any of that.
 *
 * Reads never share an instance: each takes it alone, on a connection of its own, and its
 * temporary views go with that connection. An instance given back in good order (no timeout,
 * interrupt or failure) waits idle for the next read with the same limits, at most
 * `DUCKDB_IDLE_MAX` of them for `DUCKDB_IDLE_MS`: a warm instance ran the data benchmark's eight
 * statements in about 190 ms, a new one in about 250. Instances with an attached database file are never kept, so a file
 * replaced on disk is always read anew.
 *
 * `attach` runs first on a new instance's connection when `limits.database` is set (to attach the
 * file and use it); the lease fails, and the instance is closed, with the error it throws.
 */
export async function leaseInstance(
  limits: InstanceLimits,
  attach: (connection: DuckDBConnection) => Promise<void>,
): Promise<Lease> {
  const key = limits.database === undefined ? keyOf(limits) : undefined;
  const found = key === undefined ? -1 : idle.findIndex((i) => i.key === key);
  if (found >= 0) {
    const [kept] = idle.splice(found, 1) as [Idle];
    clearTimeout(kept.timer);
    try {
      return lease(kept.instance, await kept.instance.connect(), kept.temp, key);
    } catch (e) {
      await shut(kept.instance, kept.temp);
      throw e;
    }
  }
  const temp = await mkdtemp(join(tmpdir(), 'chartpress-duckdb-'));
  let instance: DuckDBInstance | undefined;
  let c: DuckDBConnection | undefined;
  try {
    instance = await DuckDBInstance.create(':memory:', {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      allow_community_extensions: 'false',
      threads: String(limits.threads),
      memory_limit: `${limits.memoryLimitMb}MiB`,
    });
    c = await instance.connect();
    if (limits.database !== undefined) await attach(c);
    await c.run(`SET allowed_directories = [${limits.folders.map(literal).join(', ')}]`);
    await c.run(`SET temp_directory = ${literal(temp)}`);
    await c.run(`SET max_temp_directory_size = '${DEFAULT_DUCKDB_TEMP_MB}MiB'`);
    await c.run("SET GLOBAL TimeZone = 'UTC'");
    await c.run('SET enable_external_access = false');
    await c.run('SET lock_configuration = true');
    return lease(instance, c, temp, key);
  } catch (e) {
    c?.closeSync();
    instance?.closeSync();
    await rm(temp, { recursive: true, force: true });
    throw e;
  }
}

/** Closes every idle instance and removes its spill folder. */
export async function closeIdleInstances(): Promise<void> {
  for (const i of idle.splice(0)) {
    clearTimeout(i.timer);
    await shut(i.instance, i.temp);
  }
}

/** How many instances are idle now. */
export const idleInstances = (): number => idle.length;

function lease(
  instance: DuckDBInstance,
  connection: DuckDBConnection,
  temp: string,
  key: string | undefined,
): Lease {
  let given = false;
  return {
    connection,
    connect: () => instance.connect(),
    async release(reusable) {
      if (given) return;
      given = true;
      connection.closeSync();
      if (!reusable || key === undefined) return shut(instance, temp);
      keep(key, instance, temp);
    },
  };
}

function keep(key: string, instance: DuckDBInstance, temp: string): void {
  const timer = setTimeout(() => {
    const at = idle.findIndex((i) => i.instance === instance);
    if (at >= 0) idle.splice(at, 1);
    void shut(instance, temp);
  }, DUCKDB_IDLE_MS);
  timer.unref();
  idle.push({ key, instance, temp, timer });
  // The oldest go first when too many wait.
  while (idle.length > DUCKDB_IDLE_MAX) {
    const old = idle.shift() as Idle;
    clearTimeout(old.timer);
    void shut(old.instance, old.temp);
  }
  if (!exitHook) {
    exitHook = true;
    // A process that ends with instances idle leaves no spill folder behind.
    process.once('exit', () => {
      for (const i of idle) rmSync(i.temp, { recursive: true, force: true });
    });
  }
}

async function shut(instance: DuckDBInstance, temp: string): Promise<void> {
  instance.closeSync();
  await rm(temp, { recursive: true, force: true });
}

const keyOf = (l: InstanceLimits) => JSON.stringify([l.threads, l.memoryLimitMb, [...l.folders].sort()]);
