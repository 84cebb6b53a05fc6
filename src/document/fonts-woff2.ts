import { brotliCompressSync, constants } from 'node:zlib';

/**
 * A TrueType (sfnt) font as WOFF2 (W3C WOFF File Format 2.0): the tables as they are ("null
 * transform", which the format allows for every table, `glyf` and `loca` included), compressed
 * together with Node's own Brotli. The glyf transform of a full encoder saves a little more, but
 * the WebAssembly encoders take most of a second per face where this takes milliseconds.
 */
export function sfntToWoff2(sfnt: Uint8Array, quality = 5): Buffer {
  const view = new DataView(sfnt.buffer, sfnt.byteOffset, sfnt.byteLength);
  const flavor = view.getUint32(0);
  const numTables = view.getUint16(4);
  const tables: { tag: number; data: Uint8Array }[] = [];
  for (let i = 0; i < numTables; i++) {
    const at = 12 + 16 * i;
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    if (offset + length > sfnt.byteLength) throw new Error('sfnt table outside the file');
    tables.push({ tag: view.getUint32(at), data: sfnt.subarray(offset, offset + length) });
  }
  const directory: number[] = [];
  let sfntSize = 12 + 16 * numTables;
  for (const t of tables) {
    // Flags 63: the tag follows in full. Transform version: 3 (none) for glyf and loca, 0 (none) for the rest.
    const isGlyfOrLoca = t.tag === tag('glyf') || t.tag === tag('loca');
    directory.push((isGlyfOrLoca ? 3 << 6 : 0) | 63, ...uint32(t.tag), ...base128(t.data.byteLength));
    sfntSize += pad4(t.data.byteLength);
  }
  const compressed = brotliCompressSync(Buffer.concat(tables.map((t) => t.data)), {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: quality,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_FONT,
    },
  });
  const length = pad4(48 + directory.length + compressed.byteLength);
  const out = Buffer.alloc(length);
  out.writeUInt32BE(0x774f4632, 0); // 'wOF2'
  out.writeUInt32BE(flavor, 4);
  out.writeUInt32BE(length, 8);
  out.writeUInt16BE(numTables, 12);
  out.writeUInt32BE(sfntSize, 16);
  out.writeUInt32BE(compressed.byteLength, 20);
  out.writeUInt16BE(1, 24); // version 1.0; no metadata, no private data (zeros)
  Buffer.from(directory).copy(out, 48);
  compressed.copy(out, 48 + directory.length);
  return out;
}

function tag(s: string): number {
  return s.charCodeAt(0) * 0x1000000 + ((s.charCodeAt(1) << 16) | (s.charCodeAt(2) << 8) | s.charCodeAt(3));
}

function uint32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** UIntBase128: seven bits a byte, most significant first, the high bit set on all but the last. */
function base128(n: number): number[] {
  const bytes = [n & 0x7f];
  for (let rest = Math.floor(n / 128); rest > 0; rest = Math.floor(rest / 128))
    bytes.unshift((rest & 0x7f) | 0x80);
  return bytes;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}
