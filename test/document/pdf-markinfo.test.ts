import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withoutDefaultSuspects } from '../../src/document/pdf-markinfo.js';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const tmp = tempDir();
const report = tmp.write(
  'r.yaml',
  [
    'title: Structure',
    'datasets: { d: { source: inline, rows: [{ k: a, v: 1 }, { k: b, v: 2 }] } }',
    'charts: { c: { type: bar, title: Bars, data: { from: d }, encode: { x: k, y: v } } }',
    'body: [{ heading: One }, { text: Some text. }, { chart: c }]',
    '',
  ].join('\n'),
);

/** Whether pdfinfo is installed: outside CI its absence skips the check, loudly; under CI it fails. */
function havePdfinfo(): boolean {
  if (spawnSync('pdfinfo', ['-v']).error === undefined) return true;
  if (process.env.CI === 'true') throw new Error('pdfinfo (poppler-utils) is missing under CI=true');
  console.warn('SKIPPED: pdfinfo (poppler-utils) is not installed; the PDF structure check did not run');
  return false;
}

const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('PDF structure', () => {
  it('gives pdfinfo a PDF without syntax errors, still tagged', async () => {
    const out = join(tmp.dir, 'r.pdf');
    expect((await cli('render', report, '-o', out, '--no-cache', '-q')).code).toBe(0);
    const pdf = latin1(readFileSync(out));
    expect(pdf).toMatch(/\/MarkInfo\s*<<\s*\/Marked true\s*>>/);
    expect(pdf).not.toContain('/Suspects');
    if (!havePdfinfo()) return;
    const run = spawnSync('pdfinfo', [out], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^Tagged:\s+yes$/m);
    expect(run.stdout).toMatch(/^Pages:\s+1$/m);
    // The text stays where it was: the fix moved no byte.
    expect(execFileSync('pdftotext', [out, '-'], { encoding: 'utf8' })).toContain('Some text.');
  });

  it('blanks only the default /Suspects entry of the catalog, keeping every offset', () => {
    const body =
      '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /MarkInfo << /Marked true /Suspects false >> >>\nendobj\n';
    const xref = body.length;
    const pdf = `${body}xref\n0 2\n0000000000 65535 f\r\n0000000009 00000 n\r\ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    const fixed = withoutDefaultSuspects(Buffer.from(pdf, 'latin1'));
    expect(fixed.byteLength).toBe(pdf.length);
    expect(latin1(fixed)).toBe(pdf.replace('/Suspects false', ' '.repeat(15)));
    // `true` is meaningful, and a PDF of another shape is left as it is.
    const suspects = Buffer.from(pdf.replace('/Suspects false', '/Suspects true '), 'latin1');
    expect(withoutDefaultSuspects(suspects)).toBe(suspects);
    const other = Buffer.from(pdf.replace(`startxref\n${xref}`, 'startxref\n3'), 'latin1');
    expect(withoutDefaultSuspects(other)).toBe(other);
  });
});
