import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compilePdf } from '../../src/document/pdf.js';
import { PDF_PROCESS_MALLOC, startPdfProcess } from '../../src/document/pdf-process.js';
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

describe('the PDF process', () => {
  it('makes the PDF this thread makes, for documents sent at once, each its own', async () => {
    const thread = startPdfProcess();
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
    const thread = startPdfProcess();
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

  it('loses no document when the process dies: they are compiled here', async () => {
    const dying = tmp.write('dying.mjs', 'process.exit(3);\n');
    const thread = startPdfProcess(new URL(`file://${dying}`));
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

  it('traces each document once, in the process or here', async () => {
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
    const alive = startPdfProcess();
    const dead = startPdfProcess(new URL(`file://${tmp.write('dying-too.mjs', 'process.exit(3);\n')}`));
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
    const thread = startPdfProcess();
    const sent = [thread.compile(doc(1)), thread.compile(doc(2)), thread.compile(doc(3))];
    await thread.close();
    const pdfs = await Promise.all(sent);
    expect(pdfs.every((p) => p.byteLength > 0)).toBe(true);
    // After closing, a document is compiled here.
    expect((await thread.compile(doc(4))).byteLength).toBeGreaterThan(0);
  });

  it('starts its process with glibc malloc thresholds fixed, unless the environment sets them', async () => {
    // An entry that answers each document with what its process was started with.
    const entry = tmp.write(
      'env.mjs',
      [
        "process.on('disconnect', () => process.exit(0));",
        "process.on('message', (job) => process.send({ id: job.id, reason: JSON.stringify({",
        '  mmap: process.env.MALLOC_MMAP_THRESHOLD_,',
        '  trim: process.env.MALLOC_TRIM_THRESHOLD_,',
        '  gc: typeof globalThis.gc,',
        '}) }));',
        '',
      ].join('\n'),
    );
    const startedWith = async () => {
      const pdf = startPdfProcess(new URL(`file://${entry}`));
      try {
        const problem = (await problemOf(pdf.compile(doc(1)))) as { message: string };
        return JSON.parse(problem.message.slice(problem.message.indexOf('{'))) as Record<string, string>;
      } finally {
        await pdf.close();
      }
    };
    expect(await startedWith()).toEqual({
      mmap: PDF_PROCESS_MALLOC.MALLOC_MMAP_THRESHOLD_,
      trim: PDF_PROCESS_MALLOC.MALLOC_TRIM_THRESHOLD_,
      gc: 'function',
    });
    const before = process.env.MALLOC_MMAP_THRESHOLD_;
    process.env.MALLOC_MMAP_THRESHOLD_ = '65536';
    try {
      expect(await startedWith()).toMatchObject({ mmap: '65536', trim: '131072' });
    } finally {
      if (before === undefined) delete process.env.MALLOC_MMAP_THRESHOLD_;
      else process.env.MALLOC_MMAP_THRESHOLD_ = before;
    }
  });

  it('leaves Ctrl-C and SIGTERM to the process that started it, and ends when closed', async () => {
    const pdf = startPdfProcess();
    const pid = pdf.pid;
    expect(pid).toBeGreaterThan(0);
    await pdf.compile(doc(1));
    process.kill(pid as number, 'SIGINT');
    process.kill(pid as number, 'SIGTERM');
    const pdfs = await Promise.all([pdf.compile(doc(2)), pdf.compile(doc(3))]);
    expect(undated(pdfs[1] as Uint8Array)).toBe(undated(compilePdf(doc(3))));
    expect(pdf.pid).toBe(pid);
    await pdf.close();
    expect(pdf.pid).toBeUndefined();
    expect(alive(pid as number)).toBe(false);
  });

  it('ends when the process that started it is killed with SIGKILL', async () => {
    const module = fileURLToPath(new URL('../../src/document/pdf-process.ts', import.meta.url));
    const parent = tmp.write(
      'parent.mjs',
      [
        `const { startPdfProcess } = await import(${JSON.stringify(module)});`,
        'const pdf = startPdfProcess();',
        "await pdf.compile({ source: '= Ready', files: new Map() });",
        'console.log(pdf.pid);',
        'setInterval(() => undefined, 1000);',
        '',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--import', 'tsx', parent], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const pid = await new Promise<number>((resolve, reject) => {
      child.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim())));
      child.once('exit', (code) => reject(new Error(`the parent exited with ${code}`)));
    });
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    // Its channel closed, the PDF process ends by itself.
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive(pid)).toBe(false);
  }, 30_000);
});

/** Whether a process runs (a zombie not yet reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
