import { createServer as netServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ChartpressError } from '../../src/errors.js';
import { loadServerConfig, SERVER_LIMITS } from '../../src/server/config.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();

const problemsOf = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    if (e instanceof ChartpressError) return e.problems.map((p) => [p.code, p.path ?? '']);
    throw e;
  }
  return [];
};

describe('chartpress serve: its config file', () => {
  it('reads YAML, with paths relative to the file, and flags over it', () => {
    const file = tmp.write(
      'conf/server.yaml',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the URL keeps ${VAR} for the engine.
      'port: 4000\nroot: ../srv\nconnections:\n  sales: { source: postgres, url: "${SALES_DB}" }\nlimits: { charts: 9 }\n',
    );
    const config = loadServerConfig({ config: file, host: '0.0.0.0' });
    expect(config).toMatchObject({ port: 4000, host: '0.0.0.0', root: `${tmp.dir}/srv` });
    expect(config.cacheDir).toBe(`${tmp.dir}/srv/.chartpress-cache`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: as written.
    expect(config.connections.sales?.url).toBe('${SALES_DB}');
    expect(config.limits).toEqual({ ...SERVER_LIMITS, charts: 9 });
    expect(loadServerConfig({ config: file, port: 5000 }).port).toBe(5000);
  });

  it('names every problem by its field path', () => {
    const file = tmp.write(
      'bad.yaml',
      'port: 70000\nlimits: { queue: -1, speed: 3 }\nconnections:\n  x: { source: mysql, url: "mysql://" }\n',
    );
    expect(problemsOf(() => loadServerConfig({ config: file }))).toEqual(
      expect.arrayContaining([
        ['CP_ERR_INVALID_VALUE', 'port'],
        ['CP_ERR_INVALID_VALUE', 'limits.queue'],
        ['CP_ERR_UNKNOWN_FIELD', 'limits.speed'],
        ['CP_ERR_INVALID_ENUM', 'connections.x.source'],
      ]),
    );
  });

  it('refuses a missing file, an empty token file and short tokens', () => {
    expect(problemsOf(() => loadServerConfig({ config: `${tmp.dir}/none.yaml` }))).toEqual([
      ['CP_ERR_FILE_NOT_FOUND', ''],
    ]);
    const empty = tmp.write('empty.txt', '# nothing\n\n');
    expect(problemsOf(() => loadServerConfig({ tokenFile: empty }))[0]?.[0]).toBe('CP_ERR_INVALID_VALUE');
    const short = tmp.write('short.txt', 'abc\n');
    expect(problemsOf(() => loadServerConfig({ tokenFile: short }))[0]?.[0]).toBe('CP_ERR_INVALID_VALUE');
  });
});

describe('chartpress serve: its command line', () => {
  it('a bad port, or one in use, is a usage error with no stack trace', async () => {
    const bad = await cli('serve', '--port', '99999', '--root', tmp.dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr.join('\n')).toMatch(/^CP_ERR_USAGE .*--port/);
    const taken = netServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = String((taken.address() as { port: number }).port);
    try {
      const inUse = await cli('serve', '--port', port, '--root', tmp.dir, '--no-cache');
      expect(inUse.code).toBe(2);
      expect(inUse.stderr.join('\n')).toMatch(/CP_ERR_USAGE cannot listen/);
      expect(inUse.stderr.join('\n')).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });
});
