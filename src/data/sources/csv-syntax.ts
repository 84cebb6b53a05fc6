/** What is wrong with a CSV record, as the reader reports it (with the file, line and column). */

/** A record that is not valid CSV: the reason, its line and the field it is in (from 0; -1 for the whole record). */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly field: number,
  ) {
    super(message);
  }
}

/** How a value is shown in a message: as JSON, cut after 40 characters. */
const shown = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text);

const QUOTING = 'quote the whole field and write a quote inside it as ""';

/** A quote after `before`, the start of an unquoted field. */
export const openingQuote = (before: string, line: number, field: number) =>
  new CsvSyntaxError(
    `Invalid Opening Quote: a quote inside an unquoted field, after ${shown(before)} (${QUOTING})`,
    line,
    field,
  );

/** `after` (the text after a closing quote) where a delimiter or a line end must be. */
export const closingQuote = (after: string, line: number, field: number) =>
  new CsvSyntaxError(
    `Invalid Closing Quote: got ${shown(String.fromCodePoint(after.codePointAt(0) ?? 0xfffd))} after the closing quote, instead of a delimiter or a line end (${QUOTING})`,
    line,
    field,
  );

/** A quoted field that opens at `line` and never closes. */
export const unclosedQuote = (line: number, field: number) =>
  new CsvSyntaxError(
    'Quote Not Closed: the quoted field that starts here runs to the end of the file',
    line,
    field,
  );

/** A record of `count` fields where the header has `fields`. */
export const raggedRecord = (count: number, fields: number, line: number) =>
  new CsvSyntaxError(
    `Invalid Record Length: expected ${fields} ${fields === 1 ? 'field' : 'fields'} as in the header, got ${count}`,
    line,
    -1,
  );
