/**
 * Pair kerning for a font subset: what GPOS `kern` lookups (pair adjustment, type 2, reached
 * directly or through extension lookups, type 9) apply between the kept glyphs, written as a
 * legacy `kern` table. Shapers (HarfBuzz in browsers, rustybuzz in resvg and Typst) apply a
 * `kern` table when a font has no GPOS, and place every glyph where GPOS would have.
 */

/** A `kern` format 0 subtable's length is 16 bits: 14 bytes of header, 6 a pair. */
const MAX_PAIRS = Math.floor((0xffff - 14) / 6);

/** The ValueFormat bit of XAdvance; the bits below it (XPlacement, YPlacement) come first. */
const X_ADVANCE = 0x0004;

type Subtable =
  | {
      readonly format: 1;
      readonly at: number;
      readonly covered: Int32Array;
      readonly record: number;
      readonly x: number;
    }
  | {
      readonly format: 2;
      readonly covered: Int32Array;
      readonly class1: Int32Array;
      /** Per right glyph: whether its class is one the subtable has (else the pair is not its). */
      readonly matches: Uint8Array;
      /** XAdvance per right glyph after a left glyph of the class; undefined past the classes. */
      readonly row: (class1: number) => Int32Array | undefined;
    };

/**
 * The legacy `kern` table (version 0, format 0 subtables, pairs sorted) holding, between the
 * glyphs `kept` (old glyph ids, in new-id order), the XAdvance adjustments of the first glyph
 * that the GPOS `kern` feature of the default script (DFLT, else latn) applies. Lookups add up;
 * within a lookup the first subtable that matches a pair decides it, as in HarfBuzz. Pairs go
 * to further subtables when one would overflow. Undefined when no pair is kerned.
 */
export function kernTable(
  b: Buffer,
  gpos: number | undefined,
  kept: readonly number[],
  newId: Int32Array,
): Buffer | undefined {
  if (gpos === undefined || b.readUInt16BE(gpos) !== 1) return undefined;
  const n = kept.length;
  const lookups = kernLookups(b, gpos).map((lookup) =>
    lookup.map((at) => readSubtable(b, at, kept)).filter((sub) => sub !== undefined),
  );
  const pairs: number[] = [];
  const row = new Int32Array(n);
  const decided = new Uint8Array(n);
  for (let left = 0; left < n; left++) {
    row.fill(0);
    for (const subtables of lookups) {
      decided.fill(0);
      for (const sub of subtables) {
        const index = sub.covered[left] ?? -1;
        if (index < 0) continue;
        if (sub.format === 1) {
          // Byte reads by hand: this loop runs in a cold process, before the JIT helps.
          const set = sub.at + u16(b, sub.at + 10 + 2 * index);
          const end = set + 2 + u16(b, set) * sub.record;
          for (let record = set + 2; record < end; record += sub.record) {
            const right = newId[u16(b, record)] ?? -1;
            if (right < 0 || decided[right]) continue;
            decided[right] = 1;
            if (sub.x >= 0) row[right]! += (u16(b, record + 2 + sub.x) << 16) >> 16;
          }
        } else {
          const values = sub.row(sub.class1[left] ?? 0);
          if (values === undefined) continue;
          for (let right = 0; right < n; right++) {
            if (decided[right] || !sub.matches[right]) continue;
            decided[right] = 1;
            row[right]! += values[right]!;
          }
        }
      }
    }
    for (let right = 0; right < n; right++) {
      const value = row[right]!;
      if (value !== 0) pairs.push(left, right, Math.max(-0x8000, Math.min(0x7fff, value)));
    }
  }
  return pairs.length === 0 ? undefined : writeKern(pairs);
}

function u16(b: Buffer, at: number): number {
  return (b[at]! << 8) | b[at + 1]!;
}

/** Per lookup of the `kern` feature (in lookup order, once each), its subtables' offsets. */
function kernLookups(b: Buffer, gpos: number): number[][] {
  const scripts = gpos + b.readUInt16BE(gpos + 4);
  const features = gpos + b.readUInt16BE(gpos + 6);
  const lookupList = gpos + b.readUInt16BE(gpos + 8);
  const langSys = defaultLangSys(b, scripts);
  if (langSys === undefined) return [];
  const indices = new Set<number>();
  const required = b.readUInt16BE(langSys + 2);
  const count = b.readUInt16BE(langSys + 4);
  const featureIndices = Array.from({ length: count }, (_, i) => b.readUInt16BE(langSys + 6 + 2 * i));
  if (required !== 0xffff) featureIndices.push(required);
  for (const f of featureIndices) {
    const record = features + 2 + 6 * f;
    if (b.toString('latin1', record, record + 4) !== 'kern') continue;
    const feature = features + b.readUInt16BE(record + 4);
    const lookups = b.readUInt16BE(feature + 2);
    for (let i = 0; i < lookups; i++) indices.add(b.readUInt16BE(feature + 4 + 2 * i));
  }
  return [...indices]
    .sort((x, y) => x - y)
    .map((index) => {
      const lookup = lookupList + b.readUInt16BE(lookupList + 2 + 2 * index);
      const type = b.readUInt16BE(lookup);
      const subtables: number[] = [];
      for (let i = 0; i < b.readUInt16BE(lookup + 4); i++) {
        let at = lookup + b.readUInt16BE(lookup + 6 + 2 * i);
        // Extension: the real subtable, of the type it names, lies at a 32-bit offset.
        if (type === 9 && b.readUInt16BE(at + 2) === 2) at += b.readUInt32BE(at + 4);
        else if (type !== 2) continue;
        subtables.push(at);
      }
      return subtables;
    });
}

/** The default LangSys of the DFLT script, else of latn. */
function defaultLangSys(b: Buffer, scripts: number): number | undefined {
  const count = b.readUInt16BE(scripts);
  for (const wanted of ['DFLT', 'latn']) {
    for (let i = 0; i < count; i++) {
      const record = scripts + 2 + 6 * i;
      if (b.toString('latin1', record, record + 4) !== wanted) continue;
      const script = scripts + b.readUInt16BE(record + 4);
      const langSys = b.readUInt16BE(script);
      if (langSys !== 0) return script + langSys;
    }
  }
  return undefined;
}

/** A PairPos subtable read for the kept glyphs: coverage and classes by position in `kept`. */
function readSubtable(b: Buffer, at: number, kept: readonly number[]): Subtable | undefined {
  const format = b.readUInt16BE(at);
  const format1 = b.readUInt16BE(at + 4);
  const size1 = valueSize(format1);
  const record = size1 + valueSize(b.readUInt16BE(at + 6));
  const x = format1 & X_ADVANCE ? 2 * bits(format1 & 0x3) : -1;
  const coverage = at + b.readUInt16BE(at + 2);
  const covered = perGlyph(kept, (g) => coverageIndex(b, coverage, g));
  if (format === 1) return { format, at, covered, record: 2 + record, x };
  if (format !== 2) return undefined;
  const classDef1 = at + b.readUInt16BE(at + 8);
  const classDef2 = at + b.readUInt16BE(at + 10);
  const class1Count = b.readUInt16BE(at + 12);
  const class2Count = b.readUInt16BE(at + 14);
  const class2 = perGlyph(kept, (g) => classOf(b, classDef2, g));
  const matches = new Uint8Array(kept.length);
  for (let i = 0; i < kept.length; i++) matches[i] = class2[i]! < class2Count ? 1 : 0;
  const rows = new Map<number, Int32Array>();
  return {
    format,
    covered,
    class1: perGlyph(kept, (g) => classOf(b, classDef1, g)),
    matches,
    row: (c1) => {
      if (c1 >= class1Count) return undefined;
      let values = rows.get(c1);
      if (!values) {
        const start = at + 16 + c1 * class2Count * record + x;
        values = new Int32Array(kept.length);
        for (let i = 0; i < kept.length; i++)
          if (matches[i] && x >= 0) values[i] = (u16(b, start + class2[i]! * record) << 16) >> 16;
        rows.set(c1, values);
      }
      return values;
    },
  };
}

function perGlyph(kept: readonly number[], f: (glyph: number) => number): Int32Array {
  const out = new Int32Array(kept.length);
  for (let i = 0; i < kept.length; i++) out[i] = f(kept[i]!);
  return out;
}

/** Bytes of a ValueRecord: two per field present (device table offsets included). */
function valueSize(format: number): number {
  return 2 * bits(format & 0xff);
}

function bits(n: number): number {
  let count = 0;
  for (let v = n; v > 0; v >>= 1) count += v & 1;
  return count;
}

/** The coverage index of a glyph (formats 1 and 2), or -1. */
function coverageIndex(b: Buffer, coverage: number, glyph: number): number {
  const format = b.readUInt16BE(coverage);
  const count = b.readUInt16BE(coverage + 2);
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (format === 1) {
      const g = b.readUInt16BE(coverage + 4 + 2 * mid);
      if (g === glyph) return mid;
      if (g < glyph) lo = mid + 1;
      else hi = mid - 1;
    } else {
      const range = coverage + 4 + 6 * mid;
      if (glyph < b.readUInt16BE(range)) hi = mid - 1;
      else if (glyph > b.readUInt16BE(range + 2)) lo = mid + 1;
      else return b.readUInt16BE(range + 4) + glyph - b.readUInt16BE(range);
    }
  }
  return -1;
}

/** The class of a glyph in a ClassDef table (formats 1 and 2); 0 when not listed. */
function classOf(b: Buffer, classDef: number, glyph: number): number {
  const format = b.readUInt16BE(classDef);
  if (format === 1) {
    const start = b.readUInt16BE(classDef + 2);
    const count = b.readUInt16BE(classDef + 4);
    return glyph >= start && glyph < start + count ? b.readUInt16BE(classDef + 6 + 2 * (glyph - start)) : 0;
  }
  let lo = 0;
  let hi = b.readUInt16BE(classDef + 2) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const range = classDef + 4 + 6 * mid;
    if (glyph < b.readUInt16BE(range)) hi = mid - 1;
    else if (glyph > b.readUInt16BE(range + 2)) lo = mid + 1;
    else return b.readUInt16BE(range + 4);
  }
  return 0;
}

/** `kern` version 0 from sorted (left, right, value) triples, in subtables of at most MAX_PAIRS. */
function writeKern(pairs: readonly number[]): Buffer {
  const total = pairs.length / 3;
  const subtables = Math.ceil(total / MAX_PAIRS);
  const out = Buffer.alloc(4 + 14 * subtables + 6 * total);
  out.writeUInt16BE(subtables, 2);
  let at = 4;
  for (let s = 0; s < subtables; s++) {
    const count = Math.min(MAX_PAIRS, total - s * MAX_PAIRS);
    const log = Math.floor(Math.log2(count));
    out.writeUInt16BE(14 + 6 * count, at + 2);
    out.writeUInt16BE(0x0001, at + 4); // horizontal, format 0, adding to the others
    out.writeUInt16BE(count, at + 6);
    out.writeUInt16BE(6 * 2 ** log, at + 8);
    out.writeUInt16BE(log, at + 10);
    out.writeUInt16BE(6 * count - 6 * 2 ** log, at + 12);
    at += 14;
    for (let i = s * MAX_PAIRS; i < s * MAX_PAIRS + count; i++) {
      out.writeUInt16BE(pairs[3 * i] ?? 0, at);
      out.writeUInt16BE(pairs[3 * i + 1] ?? 0, at + 2);
      out.writeInt16BE(pairs[3 * i + 2] ?? 0, at + 4);
      at += 6;
    }
  }
  return out;
}
