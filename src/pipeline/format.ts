/** The documents chartpress writes: PDF (through Typst), one HTML page, or Typst source. */
export const OutputFormat = { pdf: 'pdf', html: 'html', typ: 'typ' } as const;
export type OutputFormat = keyof typeof OutputFormat;
