import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { traceAsync, tracing } from '../telemetry/channels.js';
import { compileError, compileTrace, compileUntraced } from './pdf.js';
import type { TypstDocument } from './typst.js';

/** A document sent to the PDF thread. */
export interface PdfRequest {
  readonly id: number;
  readonly source: string;
  readonly files: readonly (readonly [string, Uint8Array])[];
}

/** The PDF thread's answer: the PDF, or why Typst refused the document. */
export type PdfReply =
  | { readonly id: number; readonly pdf: Uint8Array }
  | { readonly id: number; readonly reason: string };

/** Compiles documents to PDF off this thread. */
export interface PdfThread {
  /** As `compilePdf`: the PDF, or `CP_ERR_DOCUMENT_COMPILE` with Typst's reason. */
  compile(doc: TypstDocument): Promise<Uint8Array>;
  /** Ends the thread once the documents sent to it are done. */
  close(): Promise<void>;
}

/** Memory the PDF thread's JavaScript may take, in MB: 256 (its compiler's own memory is native). */
const THREAD_HEAP_MB = 256;

/**
 * The thread's entry: compiled JS in the build (`dist/document/typst-thread.js`, beside the
 * library entry or one folder up from a chunk or the CLI launcher), or, from the TypeScript
 * sources (tests, benchmarks), a module that loads it through tsx.
 */
function threadEntry(): URL {
  const here = import.meta.url;
  if (here.endsWith('.ts')) return new URL('./typst-thread-source.mjs', here);
  const beside = new URL('./document/typst-thread.js', here);
  return existsSync(beside) ? beside : new URL('../document/typst-thread.js', here);
}

/**
 * A thread of its own that compiles documents to PDF with its own Typst compiler, one after
 * another in the order sent: a burst's documents are compiled there while this thread plans and
 * writes the next ones, and the pool's workers draw their charts. Starting it costs a thread and
 * a compiler (the fonts loaded again), so a single render compiles on its own thread instead.
 *
 * Results are those of `compilePdf`, traced the same (`chartpress:document`, `step: 'compile'`),
 * once per document wherever it was compiled.
 * When the thread dies (it crashed, or ran out of memory), the documents it held and every later
 * one are compiled on this thread: a batch loses no document to it. `entry` is the thread's
 * module (tests give one that dies).
 */
export function startPdfThread(entry: URL = threadEntry()): PdfThread {
  let worker: Worker | undefined = new Worker(entry, {
    stdout: false,
    stderr: false,
    resourceLimits: { maxOldGenerationSizeMb: THREAD_HEAP_MB },
  });
  worker.unref();
  const waiting = new Map<
    number,
    { doc: TypstDocument; resolve: (pdf: Uint8Array) => void; reject: (e: unknown) => void }
  >();
  let nextId = 0;
  let closing = false;
  let drained: (() => void) | undefined;
  const settled = () => {
    if (waiting.size > 0) return;
    worker?.unref();
    drained?.();
  };
  // What the thread held when it died, compiled here instead.
  const fallBack = () => {
    worker = undefined;
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
  worker.on('message', (reply: PdfReply) => {
    const job = waiting.get(reply.id);
    if (job === undefined) return;
    waiting.delete(reply.id);
    if ('pdf' in reply) job.resolve(reply.pdf);
    else job.reject(compileError(reply.reason));
    settled();
  });
  worker.on('error', fallBack);
  worker.on('exit', () => {
    if (!closing || waiting.size > 0) fallBack();
    worker = undefined;
  });

  const send = (doc: TypstDocument): Promise<Uint8Array> => {
    const thread = worker;
    if (thread === undefined) return Promise.resolve().then(() => compileUntraced(doc));
    const id = nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      waiting.set(id, { doc, resolve, reject });
      thread.ref();
      const request: PdfRequest = { id, source: doc.source, files: [...doc.files] };
      thread.postMessage(request);
    });
  };

  return {
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
      const thread = worker;
      if (thread === undefined) return;
      // The documents sent are finished first.
      if (waiting.size > 0) await new Promise<void>((resolve) => (drained = resolve));
      worker = undefined;
      await thread.terminate();
    },
  };
}
