/**
 * The PDF thread (see `pdf-thread.ts`): compiles each document it is sent with this thread's own
 * Typst compiler and posts the PDF back (its buffer moved, not copied), or Typst's reason.
 */
import { parentPort } from 'node:worker_threads';
import { compileOrReason, keepOneCompiler } from './pdf.js';
import type { PdfReply, PdfRequest } from './pdf-thread.js';

const port = parentPort;
if (port === null) throw new Error('typst-thread runs as a worker thread');
keepOneCompiler();

port.on('message', (job: PdfRequest) => {
  let reply: PdfReply;
  try {
    const compiled = compileOrReason({ source: job.source, files: new Map(job.files) });
    reply =
      compiled instanceof Uint8Array
        ? { id: job.id, pdf: compiled }
        : { id: job.id, reason: compiled.reason };
  } catch (e) {
    reply = { id: job.id, reason: e instanceof Error ? e.message : String(e) };
  }
  if (!('pdf' in reply)) {
    port.postMessage(reply);
    return;
  }
  // A PDF that owns its whole buffer is moved; one that shares it, copied.
  const { pdf } = reply;
  const own = pdf.byteOffset === 0 && pdf.byteLength === pdf.buffer.byteLength;
  const moved = own ? pdf : pdf.slice();
  port.postMessage({ id: reply.id, pdf: moved }, [moved.buffer as ArrayBuffer]);
});
