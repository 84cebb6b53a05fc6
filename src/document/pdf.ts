import { createRequire } from 'node:module';
import type { NodeCompiler } from '@myriaddreamin/typst-ts-node-compiler';
import { ChartpressError, problem } from '../errors.js';
import { allFontData } from '../font.js';
import { traceSync, tracing } from '../telemetry/channels.js';
import { typstString } from './escape.js';
import { italicFontData } from './markdown-fonts.js';
import { withoutDefaultSuspects } from './pdf-markinfo.js';
import type { TypstDocument } from './typst.js';

// The compiler (a native module) loads with the first document: chart-only runs never pay for it.
const load = () =>
  (
    createRequire(import.meta.url)(
      '@myriaddreamin/typst-ts-node-compiler',
    ) as typeof import('@myriaddreamin/typst-ts-node-compiler')
  ).NodeCompiler;

/** The virtual root Typst resolves `/charts/...` against; nothing is read from disk. */
const ROOT = '/__chartpress__';

let compiler: NodeCompiler | undefined;
let compiles = 0;

/**
 * Documents one compiler makes before a new one takes over, on a thread that has not called
 * `keepOneCompiler`. Measured on the main thread: 600 small documents took a process from 139
 * MB to 209 MB on one compiler, and it stayed at 141–163 MB (1,200 documents: 137–170 MB) with
 * a new one every 50. Making one (it loads the fonts) costs about 11 ms, some 0.2 ms a document.
 */
export const COMPILES_PER_COMPILER = 50;

let compilesPerCompiler = COMPILES_PER_COMPILER;

/**
 * Keeps this thread's compiler for good: for the PDF process. A compiler that is replaced frees
 * its native memory only when the garbage collector finds it, which a JavaScript heap as small
 * as the PDF process's seldom runs, while one compiler that is kept stays flat:
 * 1,500 documents on a worker thread took 108 to 119 MB with one compiler, and 123 to 164 MB
 * with a new one every 50.
 */
export function keepOneCompiler(): void {
  compilesPerCompiler = Number.POSITIVE_INFINITY;
}

/**
 * The thread's compiler: creating one loads fonts, and its caches speed up later compiles; it
 * is replaced every `COMPILES_PER_COMPILER` documents unless `keepOneCompiler` was called.
 */
function getCompiler(): NodeCompiler {
  if (++compiles > compilesPerCompiler) {
    compiler = undefined;
    compiles = 1;
  }
  compiler ??= load().create({
    workspace: ROOT,
    fontArgs: [{ fontBlobs: [...allFontData(), ...italicFontData()] }],
  });
  return compiler;
}

/**
 * Compiles a Typst document to PDF, with its charts mapped in as virtual files. Traced on
 * `chartpress:document` (`step: 'compile'`).
 */
export function compilePdf(doc: TypstDocument): Uint8Array {
  return traceSync(
    tracing.document,
    () => compileTrace(doc),
    () => compileUntraced(doc),
    (ctx, pdf) => {
      ctx.bytes = pdf.byteLength;
    },
  );
}

/** `compilePdf` without its trace, for a caller that traces the compile itself. */
export function compileUntraced(doc: TypstDocument): Uint8Array {
  const compiled = compileOrReason(doc);
  if (compiled instanceof Uint8Array) return compiled;
  throw compileError(compiled.reason, compiled.cause);
}

/** The finished PDF, or why Typst refused the document. */
export function compileOrReason(doc: TypstDocument): Uint8Array | { reason: string; cause?: unknown } {
  const compiled = tryCompile(doc);
  return compiled instanceof Uint8Array ? withoutDefaultSuspects(compiled) : compiled;
}

/** `CP_ERR_DOCUMENT_COMPILE` with Typst's reason. */
export function compileError(reason: string, cause?: unknown): ChartpressError {
  return new ChartpressError(problem('CP_ERR_DOCUMENT_COMPILE', `Typst failed: ${reason}`), { cause });
}

/** What `compilePdf` tells `chartpress:document` of a document. */
export function compileTrace(doc: TypstDocument) {
  return {
    format: 'pdf' as const,
    step: 'compile' as const,
    charts: doc.files.size,
    inputBytes: inputBytes(doc),
  };
}

/** The PDF, or why Typst refused the document. */
function tryCompile(doc: TypstDocument): Uint8Array | { reason: string; cause?: unknown } {
  const c = getCompiler();
  try {
    for (const [path, bytes] of doc.files) c.mapShadow(`${ROOT}${path}`, Buffer.from(bytes));
    // Compiled and exported in one call, the document's layout never becomes a JavaScript object:
    // its native memory is freed as the call returns, not at a later garbage collection (which a
    // small heap, such as the PDF process's, may not run for hundreds of documents).
    try {
      return new Uint8Array(c.pdf({ mainFileContent: doc.source }));
    } catch {
      // Refused: compiled again below, for Typst's diagnostics.
    }
    const result = c.compile({ mainFileContent: doc.source });
    const compiled = result.result;
    if (!compiled || result.hasError()) {
      const diagnostics = result.takeDiagnostics()?.shortDiagnostics ?? [];
      const messages = diagnostics.map((d: unknown) => diagnosticText(d)).filter(Boolean);
      return { reason: messages.join('; ') || 'unknown error' };
    }
    return new Uint8Array(c.pdf(compiled));
  } catch (e) {
    return { reason: errorText(e), cause: e };
  } finally {
    c.resetShadow();
    c.evictCache(10);
  }
}

/**
 * The chart files Typst cannot read, each with Typst's reason. The charts are set alone, without
 * the document's text, in small documents: all of them first (none fails: the fault is in the
 * document itself, and the answer is empty), then halves of a failing group down to single
 * charts, so that a few bad charts among many cost a few compiles each.
 */
export function unreadableCharts(files: ReadonlyMap<string, Uint8Array>): Map<string, string> {
  const bad = new Map<string, string>();
  const search = (paths: readonly string[]) => {
    if (paths.length === 0) return;
    const source = paths.map((p) => `#image(${typstString(p)}, width: 2cm)`).join('\n');
    const compiled = tryCompile({ source, files: new Map(paths.map((p) => [p, files.get(p)!])) });
    if (compiled instanceof Uint8Array) return;
    if (paths.length === 1) {
      bad.set(paths[0]!, compiled.reason);
      return;
    }
    const mid = paths.length >> 1;
    search(paths.slice(0, mid));
    search(paths.slice(mid));
  };
  search([...files.keys()]);
  return bad;
}

function inputBytes(doc: TypstDocument): number {
  let n = Buffer.byteLength(doc.source);
  for (const bytes of doc.files.values()) n += bytes.byteLength;
  return n;
}

function diagnosticText(d: unknown): string {
  if (typeof d === 'object' && d !== null && 'message' in d)
    return String((d as { message: unknown }).message);
  return String(d);
}

function errorText(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e) return String((e as { code: unknown }).code);
  return e instanceof Error ? e.message : String(e);
}
