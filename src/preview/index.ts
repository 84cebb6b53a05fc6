import type { PreviewServer } from './server.js';
import type { PreviewEvent, PreviewRender, SessionOptions } from './session.js';

export type { PageBlock, PageSize } from './blocks.js';
export type { ParamField, PreviewEvent, PreviewRender, PreviewStats } from './session.js';

/** Port the preview listens on by default. */
export const DEFAULT_PREVIEW_PORT = 4000;

export interface PreviewOptions extends SessionOptions {
  /** Port to listen on; 0 picks a free one. Defaults to 4000. */
  readonly port?: number;
  /** Address to listen on. Defaults to 127.0.0.1: the preview is for this machine only. */
  readonly host?: string;
  /** Milliseconds the report's files must be quiet after a change before it is rendered. Defaults to 20. */
  readonly debounceMs?: number;
  /** Told of every render as the page is: started, made a page, or failed with problems. */
  readonly onEvent?: (event: PreviewEvent) => void;
}

export interface Preview {
  /** The page: `http://127.0.0.1:4000/`. */
  readonly url: string;
  /** The last render that made a page, with what it recomputed (`stats`); undefined before the first. */
  readonly last: PreviewRender | undefined;
  /** The problems of the last render when it made no page; undefined when it did. */
  readonly problems: PreviewRender['problems'] | undefined;
  /** The files being watched: the report and every data file it reads. */
  readonly watched: readonly string[];
  /** Renders now (as a save would), and resolves once the page has been told. */
  refresh(): Promise<void>;
  /** Stops watching, ends the pages' event streams, stops listening and ends the render workers. */
  close(): Promise<void>;
}

/**
 * Serves a live preview of a report file: renders it, serves the page, watches the report and its
 * data files, and on each change renders again, recomputing only what changed, and pushes the
 * new blocks to the page. Resolves once the server listens and the first render is done (good or
 * not: a report with problems shows them on the page).
 *
 *   const preview = await createPreview('report.yaml', { port: 0 });
 *   preview.url;   // open it in a browser
 *   await preview.close();
 */
export async function createPreview(file: string, options: PreviewOptions = {}): Promise<Preview> {
  // Loaded on first use: importing the library costs nothing for a preview it never starts.
  const [{ PreviewSession }, { startPreviewServer }, { FileWatcher }] = await Promise.all([
    import('./session.js'),
    import('./server.js'),
    import('./watch.js'),
  ]);
  const session = new PreviewSession(file, options);
  if (options.onEvent) session.subscribe(options.onEvent);
  let server: PreviewServer | undefined;
  const watcher = new FileWatcher({
    debounceMs: options.debounceMs,
    onChange: () => void render(),
  });
  const render = async () => {
    await session.refresh();
    // A render may name other data files (a dataset added): watch what the report reads now.
    watcher.set(session.inputs);
  };
  try {
    watcher.set(session.inputs);
    server = await startPreviewServer(session, {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? DEFAULT_PREVIEW_PORT,
    });
    await render();
  } catch (e) {
    watcher.close();
    await server?.close();
    await session.close();
    throw e;
  }
  const listening = server;
  let closing: Promise<void> | undefined;
  return {
    url: listening.url,
    get last() {
      return session.good;
    },
    get problems() {
      return session.failed?.problems;
    },
    get watched() {
      return watcher.files;
    },
    refresh: render,
    close() {
      closing ??= (async () => {
        watcher.close();
        await listening.close();
        await session.close();
      })();
      return closing;
    },
  };
}
