// The options of `subset-font` 2.9 that chartpress uses (its published types predate keepFeatures).
declare module 'subset-font' {
  interface SubsetFontOptions {
    /** Output format; defaults to the input's. */
    targetFormat?: 'sfnt' | 'woff' | 'woff2' | 'truetype';
    /** OpenType feature tags to keep; all of them when absent. */
    keepFeatures?: readonly string[];
  }
  /** The font cut down to the characters of `text`. */
  function subsetFont(font: Buffer, text: string, options?: SubsetFontOptions): Promise<Buffer>;
  export default subsetFont;
}
