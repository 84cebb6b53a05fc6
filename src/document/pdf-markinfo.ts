/**
 * Typst writes `/MarkInfo << /Marked true /Suspects false >>` in the catalog of its (tagged)
 * PDFs. That is valid PDF (Suspects is an optional boolean, false by default), but poppler reads
 * any value other than `true` there as a fault, so pdfinfo, pdftotext and pdftoppm print
 * "Syntax Error: Suspects object is wrong type (boolean)" for every such file. The entry is
 * overwritten with spaces: the catalog means the same, and every byte keeps its offset, so the
 * cross-reference table stays right.
 *
 * Only the shape Typst writes is touched (a classic cross-reference table, the catalog as a
 * plain object); any other PDF is returned as it is.
 */
export function withoutDefaultSuspects(pdf: Uint8Array): Uint8Array {
  const text = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).toString('latin1');
  const at = catalogOffset(text);
  if (at === undefined) return pdf;
  const end = text.indexOf('endobj', at);
  if (end < 0) return pdf;
  const markInfo = /\/MarkInfo\s*<<([^<>]*)>>/.exec(text.slice(at, end));
  if (!markInfo) return pdf;
  const entry = /\/Suspects\s+false(?![^\s/<>[\]()%])/.exec(markInfo[1] ?? '');
  if (!entry) return pdf;
  const from = at + markInfo.index + markInfo[0].indexOf('<<') + 2 + entry.index;
  const out = new Uint8Array(pdf);
  out.fill(0x20, from, from + entry[0].length);
  return out;
}

/** The byte offset of the catalog object, read from the last cross-reference table. */
function catalogOffset(text: string): number | undefined {
  const tail = text.slice(-1024);
  const start = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!start) return undefined;
  const xref = Number(start[1]);
  if (!text.startsWith('xref', xref)) return undefined;
  const trailer = text.indexOf('trailer', xref);
  if (trailer < 0) return undefined;
  const root = /\/Root\s+(\d+)\s+(\d+)\s+R/.exec(text.slice(trailer, trailer + 2048));
  if (!root) return undefined;
  const id = Number(root[1]);
  // Subsections: a "first count" line, then 20-byte entries "oooooooooo ggggg n\r\n".
  const sections = /(\d+) (\d+)[ \r\n]+/y;
  let i = xref + 4;
  while (/\s/.test(text[i] ?? '')) i++;
  while (i < trailer) {
    sections.lastIndex = i;
    const head = sections.exec(text);
    if (!head) return undefined;
    const first = Number(head[1]);
    const count = Number(head[2]);
    i = sections.lastIndex;
    if (id >= first && id < first + count) {
      const entry = text.slice(i + 20 * (id - first), i + 20 * (id - first) + 18);
      const m = /^(\d{10}) (\d{5}) n$/.exec(entry);
      if (!m) return undefined;
      const offset = Number(m[1]);
      return text.startsWith(`${id} ${root[2]} obj`, offset) ? offset : undefined;
    }
    i += 20 * count;
  }
  return undefined;
}
