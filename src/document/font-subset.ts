import { mappingsTo, readCmap, readTables, tableOffset as required, type SfntTables } from '../sfnt.js';
import { kernTable } from './font-kern.js';

/** Composite glyph component flags (glyf). */
const ARGS_ARE_WORDS = 0x0001;
const HAS_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const HAS_XY_SCALE = 0x0040;
const HAS_TWO_BY_TWO = 0x0080;

/** What the font's checksums must add up to (head.checkSumAdjustment). */
const CHECKSUM_MAGIC = 0xb1b0afba;

/**
 * A TrueType (glyf) font cut down to the glyphs of `codePoints`: those the font maps, .notdef
 * and every component of a composite glyph, renumbered in their old order. It holds cmap (format
 * 4, and 12 when a code point lies beyond the BMP; the code points asked for that the font has,
 * and any other it draws with the same glyphs), glyf, head, hhea, hmtx, loca, maxp, name,
 * OS/2, post (format 3, without glyph names) and a `kern` table with the GPOS pair kerning
 * between the kept glyphs. Other tables, GSUB, GPOS and GDEF among them, are left out: the text
 * is drawn with the default glyph of each character, unshaped by substitutions or mark
 * positioning. Throws on a font without glyf outlines.
 */
export function subsetTrueType(font: Uint8Array, codePoints: Iterable<number>): Buffer {
  const b = Buffer.from(font.buffer, font.byteOffset, font.byteLength);
  const tables = readTables(b);
  const head = required(tables, 'head');
  const numGlyphs = b.readUInt16BE(required(tables, 'maxp') + 4);
  const glyphAt = glyphLocator(b, tables, numGlyphs);

  const cmap = required(tables, 'cmap');
  const glyphOf = readCmap(b, cmap);
  const drawn = new Uint8Array(numGlyphs);
  for (const cp of codePoints) {
    const g = glyphOf(cp);
    if (g !== 0 && g < numGlyphs) drawn[g] = 1;
  }
  // Every code point the font draws with those glyphs: FreeType's autohinter (Chromium on Linux)
  // hints a glyph by the characters mapped to it, so the subset is hinted as the whole font is.
  const mapped = mappingsTo(b, cmap, drawn);

  const keep = new Uint8Array(numGlyphs);
  const pending = [0, ...mapped.map(([, g]) => g)];
  for (let g = pending.pop(); g !== undefined; g = pending.pop()) {
    if (keep[g]) continue;
    keep[g] = 1;
    const [start, end] = glyphAt(g);
    for (const at of components(b, start, end)) pending.push(b.readUInt16BE(at));
  }
  const kept: number[] = [];
  const newId = new Int32Array(numGlyphs).fill(-1);
  for (let g = 0; g < numGlyphs; g++) {
    if (!keep[g]) continue;
    newId[g] = kept.length;
    kept.push(g);
  }

  const { glyf, loca, longLoca } = glyphTables(b, kept, glyphAt, newId);
  const out = new Map<string, Buffer>([
    ['cmap', cmapTable(mapped.map(([cp, g]) => [cp, newId[g] ?? 0]))],
    ['glyf', glyf],
    ['head', copy(b, head, 54, (t) => t.writeInt16BE(longLoca ? 1 : 0, 50))],
    ['hhea', copy(b, required(tables, 'hhea'), 36, (t) => t.writeUInt16BE(kept.length, 34))],
    ['hmtx', hmtxTable(b, tables, kept)],
    ['loca', loca],
    [
      'maxp',
      copy(b, required(tables, 'maxp'), tableLength(tables, 'maxp'), (t) => t.writeUInt16BE(kept.length, 4)),
    ],
    ['post', copy(b, required(tables, 'post'), 32, (t) => t.writeUInt32BE(0x00030000, 0))],
  ]);
  const name = tables.get('name');
  if (name) out.set('name', Buffer.from(b.subarray(name.offset, name.offset + name.length)));
  const os2 = tables.get('OS/2');
  if (os2) {
    const t = Buffer.from(b.subarray(os2.offset, os2.offset + os2.length));
    const bmp = mapped.filter(([cp]) => cp <= 0xffff);
    if (bmp.length > 0 && t.length >= 68) {
      t.writeUInt16BE(bmp[0]?.[0] ?? 0, 64);
      t.writeUInt16BE(bmp[bmp.length - 1]?.[0] ?? 0, 66);
    }
    out.set('OS/2', t);
  }
  const kern = kernTable(b, tables.get('GPOS')?.offset, kept, newId);
  if (kern) out.set('kern', kern);
  return writeSfnt(out);
}

function tableLength(tables: SfntTables, tag: string): number {
  return tables.get(tag)?.length ?? 0;
}

/** A copy of the first `length` bytes of a table, changed by `edit`. */
function copy(b: Buffer, offset: number, length: number, edit: (t: Buffer) => void): Buffer {
  const t = Buffer.from(b.subarray(offset, offset + length));
  if (t.length < length) throw new Error('font table too short');
  edit(t);
  return t;
}

/** Start and end of each glyph's data in the font, from loca (short or long). */
function glyphLocator(b: Buffer, tables: SfntTables, numGlyphs: number): (g: number) => [number, number] {
  const glyf = required(tables, 'glyf');
  const loca = required(tables, 'loca');
  const long = b.readInt16BE(required(tables, 'head') + 50) === 1;
  const offset = long
    ? (i: number) => b.readUInt32BE(loca + 4 * i)
    : (i: number) => 2 * b.readUInt16BE(loca + 2 * i);
  return (g) => {
    if (g >= numGlyphs) throw new Error(`glyph ${g} beyond the font's ${numGlyphs}`);
    return [glyf + offset(g), glyf + offset(g + 1)];
  };
}

/** Offsets of the glyph id of each component of a composite glyph; none for a simple one. */
function components(b: Buffer, start: number, end: number): number[] {
  if (end - start < 10 || b.readInt16BE(start) >= 0) return [];
  const ids: number[] = [];
  let at = start + 10;
  for (let more = true; more; ) {
    const flags = b.readUInt16BE(at);
    ids.push(at + 2);
    at += 4 + (flags & ARGS_ARE_WORDS ? 4 : 2);
    if (flags & HAS_SCALE) at += 2;
    else if (flags & HAS_XY_SCALE) at += 4;
    else if (flags & HAS_TWO_BY_TWO) at += 8;
    more = (flags & MORE_COMPONENTS) !== 0;
    if (at > end) throw new Error('composite glyph runs past its end');
  }
  return ids;
}

/** glyf with the kept glyphs (4-byte aligned, component ids renumbered) and its loca. */
function glyphTables(
  b: Buffer,
  kept: readonly number[],
  glyphAt: (g: number) => [number, number],
  newId: Int32Array,
): { glyf: Buffer; loca: Buffer; longLoca: boolean } {
  const spans = kept.map(glyphAt);
  const size = spans.reduce((sum, [start, end]) => sum + pad4(end - start), 0);
  const glyf = Buffer.alloc(size);
  const offsets = [0];
  let at = 0;
  for (const [start, end] of spans) {
    b.copy(glyf, at, start, end);
    for (const id of components(b, start, end))
      glyf.writeUInt16BE(newId[b.readUInt16BE(id)] ?? 0, at + id - start);
    at += pad4(end - start);
    offsets.push(at);
  }
  const longLoca = size > 0x1fffe;
  const loca = Buffer.alloc(offsets.length * (longLoca ? 4 : 2));
  offsets.forEach((o, i) => {
    if (longLoca) loca.writeUInt32BE(o, 4 * i);
    else loca.writeUInt16BE(o / 2, 2 * i);
  });
  return { glyf, loca, longLoca };
}

/** hmtx with an advance and a left side bearing for every kept glyph. */
function hmtxTable(b: Buffer, tables: SfntTables, kept: readonly number[]): Buffer {
  const hmtx = required(tables, 'hmtx');
  const metrics = b.readUInt16BE(required(tables, 'hhea') + 34);
  const out = Buffer.alloc(4 * kept.length);
  kept.forEach((g, i) => {
    const long = Math.min(g, metrics - 1);
    out.writeUInt16BE(b.readUInt16BE(hmtx + 4 * long), 4 * i);
    const lsb = g < metrics ? hmtx + 4 * g + 2 : hmtx + 4 * metrics + 2 * (g - metrics);
    out.writeInt16BE(b.readInt16BE(lsb), 4 * i + 2);
  });
  return out;
}

/**
 * cmap from (code point, glyph) pairs sorted by code point: format 4 for the BMP under platform
 * 0 encoding 3 and platform 3 encoding 1, and format 12 for all of them under platform 0
 * encoding 4 and platform 3 encoding 10 when one lies beyond the BMP.
 */
function cmapTable(map: readonly (readonly [number, number])[]): Buffer {
  const format4 = cmapFormat4(map.filter(([cp]) => cp < 0xffff));
  const format12 = map.some(([cp]) => cp > 0xffff) ? cmapFormat12(map) : undefined;
  const records: [number, number, Buffer][] = format12
    ? [
        [0, 3, format4],
        [0, 4, format12],
        [3, 1, format4],
        [3, 10, format12],
      ]
    : [
        [0, 3, format4],
        [3, 1, format4],
      ];
  const header = Buffer.alloc(4 + 8 * records.length);
  header.writeUInt16BE(records.length, 2);
  const at12 = header.length + format4.length;
  records.forEach(([platform, encoding, sub], i) => {
    header.writeUInt16BE(platform, 4 + 8 * i);
    header.writeUInt16BE(encoding, 6 + 8 * i);
    header.writeUInt32BE(sub === format4 ? header.length : at12, 8 + 8 * i);
  });
  return Buffer.concat(format12 ? [header, format4, format12] : [header, format4]);
}

/**
 * Format 4: a segment per run of consecutive code points, mapped by a delta when their glyphs
 * are consecutive too, else through the glyph id array; then the closing 0xFFFF segment.
 */
function cmapFormat4(map: readonly (readonly [number, number])[]): Buffer {
  const segments: { start: number; end: number; delta: number; glyphs?: number[] }[] = [];
  for (let i = 0; i < map.length; ) {
    let j = i + 1;
    while (j < map.length && map[j]![0] === map[j - 1]![0] + 1) j++;
    const run = map.slice(i, j);
    const delta = run[0]![1] - run[0]![0];
    const start = run[0]![0];
    const end = run[run.length - 1]![0];
    if (run.every(([cp, g]) => g - cp === delta)) segments.push({ start, end, delta });
    else segments.push({ start, end, delta: 0, glyphs: run.map(([, g]) => g) });
    i = j;
  }
  segments.push({ start: 0xffff, end: 0xffff, delta: 1 });
  const n = segments.length;
  const glyphCount = segments.reduce((sum, s) => sum + (s.glyphs?.length ?? 0), 0);
  const length = 16 + 8 * n + 2 * glyphCount;
  if (length > 0xffff) throw new Error('cmap format 4 subtable too long');
  const t = Buffer.alloc(length);
  const log = Math.floor(Math.log2(n));
  t.writeUInt16BE(4, 0);
  t.writeUInt16BE(length, 2);
  t.writeUInt16BE(2 * n, 6);
  t.writeUInt16BE(2 * 2 ** log, 8);
  t.writeUInt16BE(log, 10);
  t.writeUInt16BE(2 * n - 2 * 2 ** log, 12);
  const ends = 14;
  const starts = ends + 2 * n + 2;
  const deltas = starts + 2 * n;
  const rangeOffsets = deltas + 2 * n;
  let glyphAt = rangeOffsets + 2 * n;
  segments.forEach((s, i) => {
    t.writeUInt16BE(s.end, ends + 2 * i);
    t.writeUInt16BE(s.start, starts + 2 * i);
    t.writeUInt16BE(s.delta & 0xffff, deltas + 2 * i);
    if (!s.glyphs) return;
    // The offset counts from the idRangeOffset entry itself.
    t.writeUInt16BE(glyphAt - (rangeOffsets + 2 * i), rangeOffsets + 2 * i);
    for (const g of s.glyphs) {
      t.writeUInt16BE(g, glyphAt);
      glyphAt += 2;
    }
  });
  return t;
}

/** Format 12: a group per run of consecutive code points mapped to consecutive glyphs. */
function cmapFormat12(map: readonly (readonly [number, number])[]): Buffer {
  const groups: [number, number, number][] = [];
  for (const [cp, g] of map) {
    const last = groups[groups.length - 1];
    if (last && cp === last[1] + 1 && g === last[2] + cp - last[0]) last[1] = cp;
    else groups.push([cp, cp, g]);
  }
  const t = Buffer.alloc(16 + 12 * groups.length);
  t.writeUInt16BE(12, 0);
  t.writeUInt32BE(t.length, 4);
  t.writeUInt32BE(groups.length, 12);
  groups.forEach(([start, end, g], i) => {
    t.writeUInt32BE(start, 16 + 12 * i);
    t.writeUInt32BE(end, 20 + 12 * i);
    t.writeUInt32BE(g, 24 + 12 * i);
  });
  return t;
}

/**
 * The font file: the directory sorted by tag (binary search fields set), each table 4-byte
 * aligned with its checksum, and head.checkSumAdjustment making the whole file add up.
 */
function writeSfnt(tables: ReadonlyMap<string, Buffer>): Buffer {
  const tags = [...tables.keys()].sort();
  const n = tags.length;
  const log = Math.floor(Math.log2(n));
  let size = 12 + 16 * n;
  for (const tag of tags) size += pad4(tables.get(tag)?.length ?? 0);
  const out = Buffer.alloc(size);
  out.writeUInt32BE(0x00010000, 0);
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(16 * 2 ** log, 6);
  out.writeUInt16BE(log, 8);
  out.writeUInt16BE(16 * n - 16 * 2 ** log, 10);
  let at = 12 + 16 * n;
  let head = -1;
  tags.forEach((tag, i) => {
    const data = tables.get(tag) ?? Buffer.alloc(0);
    if (tag === 'head') {
      head = at;
      data.writeUInt32BE(0, 8);
    }
    const record = 12 + 16 * i;
    out.write(tag, record, 'latin1');
    out.writeUInt32BE(checksum(data), record + 4);
    out.writeUInt32BE(at, record + 8);
    out.writeUInt32BE(data.length, record + 12);
    data.copy(out, at);
    at += pad4(data.length);
  });
  if (head >= 0) out.writeUInt32BE((CHECKSUM_MAGIC - checksum(out)) >>> 0, head + 8);
  return out;
}

/** The sum of a table's big-endian 32-bit words, zero padded, modulo 2^32. */
function checksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length & ~3;
  for (let i = 0; i < whole; i += 4) sum = (sum + data.readUInt32BE(i)) >>> 0;
  if (whole < data.length) {
    let last = 0;
    for (let i = 0; i < 4; i++) last = last * 256 + (data[whole + i] ?? 0);
    sum = (sum + last) >>> 0;
  }
  return sum;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
