/**
 * The PDF process (see `pdf-process.ts`): compiles each document it is sent with this process's
 * own Typst compiler and sends the PDF back, or Typst's reason. It ends when the process that
 * started it goes, however it went (its channel closes), and leaves signals to that process.
 */
import { COLLECT_EVERY_DOCUMENTS, collectGarbage } from '../collect.js';
import { compileOrReason, keepOneCompiler } from './pdf.js';
import type { PdfReply, PdfRequest } from './pdf-process.js';

const send = process.send?.bind(process);
if (send === undefined) throw new Error('typst-process runs as a child process with a channel');
keepOneCompiler();

// Ctrl-C reaches the whole process group: the process that started this one decides what a
// signal means (a worker finishes its job first), and this one ends with it.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => undefined);
process.on('disconnect', () => process.exit(0));

let done = 0;
process.on('message', (job: PdfRequest) => {
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
  send(reply);
  // The documents and charts received are garbage once compiled: collected every so often, they
  // do not pile up in the heap (see `COLLECT_EVERY_DOCUMENTS`).
  if (++done % COLLECT_EVERY_DOCUMENTS === 0) collectGarbage();
});
