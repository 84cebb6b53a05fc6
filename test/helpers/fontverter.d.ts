// fontverter (a dependency of subset-font) ships no types; the tests decode WOFF2 with it.
declare module 'fontverter' {
  /** The font converted to another format (`truetype` decodes WOFF and WOFF2). */
  function convert(font: Buffer, to: 'truetype' | 'sfnt' | 'woff' | 'woff2'): Promise<Buffer>;
  const fontverter: { convert: typeof convert };
  export default fontverter;
}
