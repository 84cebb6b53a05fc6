/**
 * Reading TrueType (sfnt) fonts: the table directory and the character map. Chart text
 * measurement and the HTML font subsetter both read the bundled font through it.
 */

/** Where each table of a font lies, by tag. */
export type SfntTables = Map<string, { offset: number; length: number }>;

/** The table directory of an sfnt font. */
export function readTables(b: Buffer): SfntTables {
  const tables: SfntTables = new Map();
  const count = b.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + 16 * i;
    tables.set(b.toString('latin1', at, at + 4), {
      offset: b.readUInt32BE(at + 8),
      length: b.readUInt32BE(at + 12),
    });
  }
  return tables;
}

/** The offset of a table the font must have; throws when it has none. */
export function tableOffset(tables: SfntTables, tag: string): number {
  const t = tables.get(tag);
  if (!t) throw new Error(`font has no ${tag} table`);
  return t.offset;
}

/** The Unicode subtables of a cmap (platform 0, or platform 3 encodings 1 and 10): offsets, or -1. */
function unicodeSubtables(b: Buffer, cmap: number): { format4: number; format12: number } {
  const count = b.readUInt16BE(cmap + 2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < count; i++) {
    const platform = b.readUInt16BE(cmap + 4 + 8 * i);
    const encoding = b.readUInt16BE(cmap + 6 + 8 * i);
    const sub = cmap + b.readUInt32BE(cmap + 8 + 8 * i);
    const format = b.readUInt16BE(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 < 0) format12 = sub;
    if (format === 4 && format4 < 0) format4 = sub;
  }
  return { format4, format12 };
}

/**
 * A glyph lookup from cmap format 12 (full Unicode) or, failing that, format 4 (BMP), taken from
 * a Unicode subtable (platform 0, or platform 3 encodings 1 and 10). Unmapped code points give 0.
 */
export function readCmap(b: Buffer, cmap: number): (cp: number) => number {
  const { format4, format12 } = unicodeSubtables(b, cmap);
  if (format12 >= 0) {
    const groups = b.readUInt32BE(format12 + 12);
    return (cp) => {
      let lo = 0;
      let hi = groups - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        const g = format12 + 16 + 12 * mid;
        const start = b.readUInt32BE(g);
        if (cp < start) hi = mid - 1;
        else if (cp > b.readUInt32BE(g + 4)) lo = mid + 1;
        else return b.readUInt32BE(g + 8) + (cp - start);
      }
      return 0;
    };
  }
  if (format4 < 0) return () => 0;
  const segs = b.readUInt16BE(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const rangeOffsets = deltas + 2 * segs;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let i = 0; i < segs; i++) {
      if (cp > b.readUInt16BE(ends + 2 * i)) continue;
      const start = b.readUInt16BE(starts + 2 * i);
      if (cp < start) return 0;
      const delta = b.readInt16BE(deltas + 2 * i);
      const ro = b.readUInt16BE(rangeOffsets + 2 * i);
      if (ro === 0) return (cp + delta) & 0xffff;
      const glyph = b.readUInt16BE(rangeOffsets + 2 * i + ro + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}

/**
 * Every code point the cmap (the subtable `readCmap` reads) maps to a glyph flagged in `wanted`
 * (indexed by glyph id), with its glyph, by code point.
 */
export function mappingsTo(b: Buffer, cmap: number, wanted: Uint8Array): [number, number][] {
  const found: [number, number][] = [];
  const { format4, format12 } = unicodeSubtables(b, cmap);
  if (format12 >= 0) {
    const groups = b.readUInt32BE(format12 + 12);
    // Bytes read by hand: a subset reads every group of the whole cmap, in a cold process, where
    // Buffer's reading methods cost several times more.
    for (let g = format12 + 16, last = g + 12 * groups; g < last; g += 12) {
      const start = b[g]! * 0x1000000 + ((b[g + 1]! << 16) | (b[g + 2]! << 8) | b[g + 3]!);
      const end = b[g + 4]! * 0x1000000 + ((b[g + 5]! << 16) | (b[g + 6]! << 8) | b[g + 7]!);
      const glyph = b[g + 8]! * 0x1000000 + ((b[g + 9]! << 16) | (b[g + 10]! << 8) | b[g + 11]!);
      for (let i = 0; i <= end - start; i++) if (wanted[glyph + i]) found.push([start + i, glyph + i]);
    }
    return found;
  }
  if (format4 < 0) return found;
  const segs = b.readUInt16BE(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + 2 * segs + 2;
  const deltas = starts + 2 * segs;
  const rangeOffsets = deltas + 2 * segs;
  for (let i = 0; i < segs; i++) {
    const start = b.readUInt16BE(starts + 2 * i);
    const end = Math.min(b.readUInt16BE(ends + 2 * i), 0xfffe);
    const delta = b.readInt16BE(deltas + 2 * i);
    const ro = b.readUInt16BE(rangeOffsets + 2 * i);
    for (let cp = start; cp <= end; cp++) {
      const id = ro === 0 ? cp : b.readUInt16BE(rangeOffsets + 2 * i + ro + 2 * (cp - start));
      const glyph = ro !== 0 && id === 0 ? 0 : (id + delta) & 0xffff;
      if (glyph !== 0 && wanted[glyph]) found.push([cp, glyph]);
    }
  }
  return found;
}
