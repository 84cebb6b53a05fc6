import { loadServerConfig } from '../server/config.js';
import { listenError, portOf } from './listen.js';
import { type Io, reportError } from './output.js';

export interface ServeCliFlags {
  port?: string;
  host?: string;
  root?: string;
  redis?: string;
  config?: string;
  tokenFile?: string;
  cacheDir?: string;
  /** `--no-cache`: no disk cache (the memory tier stays). */
  cache?: boolean;
}

/**
 * `chartpress serve`: runs the HTTP service until SIGTERM or SIGINT. The first signal stops
 * taking connections and lets the requests under way finish (at most the request deadline);
 * a second one exits at once.
 */
export async function serveCommand(flags: ServeCliFlags, io: Io): Promise<number> {
  let server: Awaited<ReturnType<typeof import('../server/app.js').createServer>>;
  let address: string;
  try {
    const config = loadServerConfig({
      port: portOf(flags.port),
      host: flags.host,
      root: flags.root,
      redis: flags.redis,
      config: flags.config,
      tokenFile: flags.tokenFile,
      cacheDir: flags.cache === false ? false : flags.cacheDir,
    });
    server = await (await import('../server/app.js')).createServer({ config });
    address = await server.listen();
    io.stderr(`chartpress serve: listening on ${address}, files under ${config.root}`);
    const grace = config.limits.deadlineMs;
    return await new Promise<number>((resolve) => {
      let stopping = false;
      const stop = () => {
        if (stopping) process.exit(1);
        stopping = true;
        io.stderr('chartpress serve: stopping (a second signal exits at once)');
        server.close(grace).then(
          () => resolve(0),
          (e: unknown) => resolve(reportError(io, e)),
        );
      };
      // The server owns its signals: the CLI's default (remove temp files, exit) would cut
      // the requests under way.
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.removeAllListeners(signal);
        process.on(signal, stop);
      }
    });
  } catch (e) {
    return reportError(io, listenError(e));
  }
}
