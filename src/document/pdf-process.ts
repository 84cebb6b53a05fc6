import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { traceAsync, tracing } from '../telemetry/channels.js';
import { compileError, compileTrace, compileUntraced } from './pdf.js';
import type { TypstDocument } from './typst.js';

/** A document sent to the PDF process. */
export interface PdfRequest {
  readonly id: number;
  readonly source: string;
  readonly files: readonly (readonly [string, Uint8Array])[];
}

/** The PDF process's answer: the PDF, or why Typst refused the document. */
export type PdfReply =
  | { readonly id: number; readonly pdf: Uint8Array }
  | { readonly id: number; readonly reason: string };

/** Compiles documents to PDF in a process of its own. */
export interface PdfProcess {
  /** As `compilePdf`: the PDF, or `CP_ERR_DOCUMENT_COMPILE` with Typst's reason. */
  compile(doc: TypstDocument): Promise<Uint8Array>;
  /** Ends the process once the documents sent to it are done. */
  close(): Promise<void>;
  /** The process's id while it runs. */
  readonly pid: number | undefined;
}

/** Memory the PDF process's JavaScript may take, in MB: 256 (its compiler's own memory is native). */
const PROCESS_HEAP_MB = 256;

/** Time the PDF process has to end once asked to, before it is killed: 5 s. */
const CLOSE_MS = 5000;

/**
 * glibc's malloc with fixed thresholds, for the PDF process unless the environment sets them:
 * blocks of 128 KiB and more get mappings of their own, unmapped when freed, and free memory
 * past 128 KiB at the top of a heap is given back. By default glibc raises the mapping
 * threshold to the largest mapped block freed (up to 32 MiB), memory freed below it stays with
 * the process, and a compiler's memory grows over hundreds of documents. glibc reads these
 * settings only when a process starts; other C libraries ignore them.
 */
export const PDF_PROCESS_MALLOC: Readonly<Record<string, string>> = {
  MALLOC_MMAP_THRESHOLD_: '131072',
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/**
 * The process's entry: compiled JS in the build (`dist/document/typst-process.js`, beside the
 * library entry or one folder up from a chunk or the CLI launcher), or, from the TypeScript
 * sources (tests, benchmarks), a module that loads it through tsx.
 */
function processEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./typst-process-source.mjs', here);
  const beside = new URL('./document/typst-process.js', here);
  return existsSync(beside) ? beside : new URL('../document/typst-process.js', here);
}

/**
 * A process of its own that compiles documents to PDF with its own Typst compiler, one after
 * another in the order sent: a burst's documents are compiled there while this process plans and
 * writes the next ones, and the pool's workers draw their charts. Starting it costs a process and
 * a compiler (the fonts loaded again), so a single render compiles on its own thread instead. A
 * process rather than a thread, so that its allocator can be set (`PDF_PROCESS_MALLOC`): the
 * compiler's native memory then stays flat over thousands of documents.
 *
 * Results are those of `compilePdf`, traced the same (`chartpress:document`, `step: 'compile'`),
 * once per document wherever it was compiled. The process ends when this one does, even when
 * this one is killed (its channel closes), and leaves signals to this one.
 * When the process dies (it crashed, ran out of memory, or was killed), the documents it held
 * and every later one are compiled on this thread: a batch loses no document to it. `entry` is
 * the process's module (tests give one that dies).
 */
export function startPdfProcess(entry: URL = processEntry()): PdfProcess {
  let child: ChildProcess | undefined = fork(fileURLToPath(entry), [], {
    env: { ...PDF_PROCESS_MALLOC, ...process.env },
    execArgv: [`--max-old-space-size=${PROCESS_HEAP_MB}`, '--expose-gc'],
    serialization: 'advanced',
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  // While idle, neither the process nor its channel keeps this one alive.
  const hold = (on: boolean) => {
    if (on) {
      child?.ref();
      child?.channel?.ref();
    } else {
      child?.unref();
      child?.channel?.unref();
    }
  };
  hold(false);
  const waiting = new Map<
    number,
    { doc: TypstDocument; resolve: (pdf: Uint8Array) => void; reject: (e: unknown) => void }
  >();
  let nextId = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  const settled = () => {
    if (waiting.size > 0) return;
    hold(false);
    drained?.();
  };
  // What the process held when it died, compiled here instead.
  const fallBack = () => {
    child = undefined;
    const held = [...waiting.values()];
    waiting.clear();
    for (const job of held) {
      try {
        job.resolve(compileUntraced(job.doc));
      } catch (e) {
        job.reject(e);
      }
    }
    drained?.();
  };
  child.on('message', (reply: PdfReply) => {
    const job = waiting.get(reply.id);
    if (job === undefined) return;
    waiting.delete(reply.id);
    if ('pdf' in reply) job.resolve(reply.pdf);
    else job.reject(compileError(reply.reason));
    settled();
  });
  const gone = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
  child.on('error', fallBack);
  child.on('exit', () => {
    if (!closing || waiting.size > 0) fallBack();
    child = undefined;
  });

  const send = (doc: TypstDocument): Promise<Uint8Array> => {
    const proc = child;
    if (proc === undefined || !proc.connected) return Promise.resolve().then(() => compileUntraced(doc));
    const id = nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { doc, resolve, reject });
      hold(true);
      const request: PdfRequest = { id, source: doc.source, files: [...doc.files] };
      // A process that died meanwhile: its exit compiles what it held here.
      proc.send(request, (e) => {
        if (e !== null && e !== undefined) proc.kill('SIGKILL');
      });
    });
  };

  return {
    get pid() {
      return child?.pid;
    },
    compile(doc) {
      return traceAsync(
        tracing.document,
        () => compileTrace(doc),
        () => send(doc),
        (ctx, pdf) => {
          ctx.bytes = pdf.byteLength;
        },
      );
    },
    async close() {
      closing = true;
      const proc = child;
      if (proc === undefined) return;
      // The documents sent are finished first.
      if (waiting.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      if (child === undefined) return;
      child = undefined;
      // Its channel closed, the process ends by itself.
      proc.ref();
      if (proc.connected) proc.disconnect();
      const late = setTimeout(() => proc.kill('SIGKILL'), CLOSE_MS);
      await gone;
      clearTimeout(late);
    },
  };
}
