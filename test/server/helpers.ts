import { afterAll } from 'vitest';
import type { Engine } from '../../src/engine.js';
import { type ChartpressServer, createServer } from '../../src/server/app.js';
import { loadServerConfig, type ServeFlags, type ServerLimits } from '../../src/server/config.js';

export interface Running {
  readonly server: ChartpressServer;
  readonly url: string;
  /** fetch on this server: `call('/v1/chart', { method: 'POST', json: {...} })`. */
  call(path: string, init?: RequestInit & { json?: unknown; yaml?: string }): Promise<Response>;
}

const running: ChartpressServer[] = [];
const engines: Engine[] = [];
afterAll(async () => {
  await Promise.all(running.map((s) => s.close(1000)));
  // Engines given to a server are the caller's; closing one twice does no harm.
  await Promise.all(engines.map((e) => e.close().catch(() => {})));
});

/** A server on a free port of 127.0.0.1, closed after the test file. */
export async function startServer(
  flags: ServeFlags & { limits?: Partial<ServerLimits>; engine?: Engine; threads?: number } = {},
): Promise<Running> {
  const { limits, engine, threads, ...rest } = flags;
  const base = loadServerConfig({ port: 0, ...rest });
  const config = { ...base, threads: threads ?? 1, limits: { ...base.limits, ...limits } };
  const server = await createServer({ config, logger: false, ...(engine ? { engine } : {}) });
  running.push(server);
  if (engine) engines.push(engine);
  const url = await server.listen();
  return {
    server,
    url,
    call(path, init = {}) {
      const { json, yaml, headers, ...rest } = init;
      const body = json !== undefined ? JSON.stringify(json) : yaml;
      const type =
        json !== undefined ? 'application/json' : yaml !== undefined ? 'application/yaml' : undefined;
      return fetch(`${url}${path}`, {
        ...rest,
        ...(body !== undefined ? { method: rest.method ?? 'POST', body } : {}),
        headers: { ...(type ? { 'content-type': type } : {}), ...(headers as Record<string, string>) },
      });
    },
  };
}

/** The JSON error of a response: its status, code, and the whole body as text. */
export async function errorOf(res: Response): Promise<{ status: number; code: string; text: string }> {
  const text = await res.text();
  const body = JSON.parse(text) as { error: { code: string } };
  return { status: res.status, code: body.error.code, text };
}

/** A small report with its rows inline. */
export function inlineReport(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'Inline',
    datasets: {
      sales: {
        source: 'inline',
        rows: [
          { region: 'EU', amount: 10 },
          { region: 'US', amount: 20 },
          { region: 'APAC', amount: 15 },
        ],
      },
    },
    charts: {
      byRegion: {
        type: 'bar',
        title: 'By region',
        data: { from: 'sales', groupBy: ['region'], aggregate: { total: { op: 'sum', field: 'amount' } } },
        encode: { x: 'region', y: 'total' },
      },
    },
    body: [{ heading: 'Sales' }, { chart: 'byRegion' }],
    ...extra,
  };
}

/** A chart with its rows, as `POST /v1/chart` and `GET /v1/chart?c=` take it. */
export function barChart(values: readonly number[] = [3, 5, 4]): Record<string, unknown> {
  return {
    type: 'bar',
    title: 'Bars',
    encode: { x: 'm', y: 'v' },
    rows: values.map((v, i) => ({ m: `M${i + 1}`, v })),
  };
}
