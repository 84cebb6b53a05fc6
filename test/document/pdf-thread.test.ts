import { describe, expect, it } from 'vitest';
import { compilePdf } from '../../src/document/pdf.js';
import { startPdfThread } from '../../src/document/pdf-thread.js';
import type { TypstDocument } from '../../src/document/typst.js';
import { ChartpressError } from '../../src/errors.js';
import { tracing } from '../../src/telemetry/channels.js';
import { undated } from '../helpers/pdf.js';
import { tempDir } from '../helpers/tmp.js';

const svg = (fill: string) =>
  new TextEncoder().encode(
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="${fill}"/></svg>`,
  );
const doc = (n: number): TypstDocument => ({
  source: `= Document ${n}\n\nSome text.\n\n#image("/charts/c${n}.svg", width: 4cm)\n`,
  files: new Map([[`/charts/c${n}.svg`, svg(n % 2 === 0 ? '#336699' : '#993366')]]),
});
const tmp = tempDir();
const refused: TypstDocument = { source: '#image("/charts/missing.svg")', files: new Map() };

const problemOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e instanceof ChartpressError ? e.problems[0] : e;
  }
  return undefined;
};

describe('the PDF thread', () => {
  it('makes the PDF this thread makes, for documents sent at once, each its own', async () => {
    const thread = startPdfThread();
    try {
      const docs = Array.from({ length: 6 }, (_, i) => doc(i));
      const pdfs = await Promise.all(docs.map((d) => thread.compile(d)));
      pdfs.forEach((pdf, i) => {
        expect(undated(pdf)).toBe(undated(compilePdf(docs[i] as TypstDocument)));
      });
      expect(undated(pdfs[0] as Uint8Array)).not.toBe(undated(pdfs[1] as Uint8Array));
    } finally {
      await thread.close();
    }
  });

  it('refuses what Typst refuses, as this thread does, and goes on', async () => {
    const thread = startPdfThread();
    try {
      const here = await problemOf(Promise.resolve().then(() => compilePdf(refused)));
      const there = await problemOf(thread.compile(refused));
      expect(there).toMatchObject({ code: 'CP_ERR_DOCUMENT_COMPILE' });
      expect(there).toEqual(here);
      expect((await thread.compile(doc(1))).byteLength).toBeGreaterThan(0);
    } finally {
      await thread.close();
    }
  });

  it('loses no document when the thread dies: they are compiled here', async () => {
    const dying = tmp.write('dying.mjs', 'process.exit(3);\n');
    const thread = startPdfThread(new URL(`file://${dying}`));
    try {
      const pdfs = await Promise.all([thread.compile(doc(1)), thread.compile(doc(2))]);
      expect(undated(pdfs[0] as Uint8Array)).toBe(undated(compilePdf(doc(1))));
      const later = await thread.compile(doc(3));
      expect(undated(later)).toBe(undated(compilePdf(doc(3))));
      expect(await problemOf(thread.compile(refused))).toMatchObject({ code: 'CP_ERR_DOCUMENT_COMPILE' });
    } finally {
      await thread.close();
    }
  });

  it('traces each document once, on the thread or here', async () => {
    const started: unknown[] = [];
    const none = () => undefined;
    const handlers = {
      start: (ctx: unknown) => {
        started.push(ctx);
      },
      end: none,
      asyncStart: none,
      asyncEnd: none,
      error: none,
    };
    tracing.document.subscribe(handlers);
    const alive = startPdfThread();
    const dead = startPdfThread(new URL(`file://${tmp.write('dying-too.mjs', 'process.exit(3);\n')}`));
    try {
      await Promise.all([alive.compile(doc(1)), dead.compile(doc(2)), dead.compile(doc(3))]);
      await dead.compile(doc(4));
    } finally {
      tracing.document.unsubscribe(handlers);
      await Promise.all([alive.close(), dead.close()]);
    }
    expect(started).toHaveLength(4);
    expect(started.every((c) => (c as { step?: string }).step === 'compile')).toBe(true);
  });

  it('finishes what it was sent before it closes', async () => {
    const thread = startPdfThread();
    const sent = [thread.compile(doc(1)), thread.compile(doc(2)), thread.compile(doc(3))];
    await thread.close();
    const pdfs = await Promise.all(sent);
    expect(pdfs.every((p) => p.byteLength > 0)).toBe(true);
    // After closing, a document is compiled here.
    expect((await thread.compile(doc(4))).byteLength).toBeGreaterThan(0);
  });
});
