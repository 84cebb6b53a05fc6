/** A JSON file that is not one array of objects: the message and the line it was found on. */
export class JsonShapeError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'JsonShapeError';
  }
}

enum State {
  Start,
  /** After `[`: an element or `]`. */
  First,
  /** After `,`: an element. */
  Next,
  Element,
  /** After an element: `,` or `]`. */
  After,
  Done,
}

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * Finds the elements of a top-level JSON array of objects in text given in pieces of any size:
 * `push(text)` returns the full text of each element completed so far, with the line it starts
 * on, so that each can be parsed alone (`JSON.parse`) and the file never has to be in memory at
 * once. It tracks only what finding an element's end needs (nesting depth, strings, escapes);
 * the parse of the element checks the rest. `end()` checks that the array was closed.
 *
 * Throws `JsonShapeError` when the text is not an array of objects, after returning the
 * elements that came before the fault.
 */
export class JsonArrayScanner {
  #state = State.Start;
  #line = 1;
  #depth = 0;
  #inString = false;
  #escape = false;
  #parts: string[] = [];
  #startLine = 1;
  #index = 0;
  #fault: JsonShapeError | undefined;

  push(text: string): { text: string; line: number }[] {
    if (this.#fault) throw this.#fault;
    const out: { text: string; line: number }[] = [];
    try {
      this.#scan(text, out);
    } catch (e) {
      // The elements completed before the error are still good: the error waits for the next call.
      if (!(e instanceof JsonShapeError) || out.length === 0) throw e;
      this.#fault = e;
    }
    return out;
  }

  #scan(text: string, out: { text: string; line: number }[]): void {
    let start = -1;
    if (this.#state === State.Element) start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.#line++;
      if (this.#state === State.Element) {
        if (this.#inString) {
          if (this.#escape) this.#escape = false;
          else if (c === 92 /* \ */) this.#escape = true;
          else if (c === 34 /* " */) this.#inString = false;
        } else if (c === 34) this.#inString = true;
        else if (c === 123 /* { */ || c === 91 /* [ */) this.#depth++;
        else if (c === 125 /* } */ || c === 93 /* ] */) {
          if (--this.#depth === 0) {
            this.#parts.push(text.slice(start, i + 1));
            out.push({ text: this.#parts.join(''), line: this.#startLine });
            this.#parts = [];
            this.#state = State.After;
            this.#index++;
          }
        }
        continue;
      }
      if (isSpace(c) || (c === 0xfeff && this.#state === State.Start)) continue;
      switch (this.#state) {
        case State.Start:
          if (c !== 91) throw this.#error('expected a JSON array ([...]) of objects');
          this.#state = State.First;
          break;
        case State.First:
        case State.Next:
          if (c === 93 && this.#state === State.First) this.#state = State.Done;
          else if (c === 123) {
            this.#state = State.Element;
            this.#depth = 1;
            this.#startLine = this.#line;
            start = i;
          } else throw this.#error(`element ${this.#index + 1} of the array is not an object`);
          break;
        case State.After:
          if (c === 44 /* , */) this.#state = State.Next;
          else if (c === 93) this.#state = State.Done;
          else throw this.#error(`expected "," or "]" after element ${this.#index}`);
          break;
        default:
          throw this.#error('unexpected text after the array');
      }
    }
    if (this.#state === State.Element && start >= 0) this.#parts.push(text.slice(start));
  }

  /** Checks that the text ended with the array closed. */
  end(): void {
    if (this.#fault) throw this.#fault;
    if (this.#state !== State.Done) {
      const what = this.#state === State.Start ? 'no JSON array' : 'the array is not closed';
      throw this.#error(`unexpected end of the file: ${what}`);
    }
  }

  #error(message: string): JsonShapeError {
    return new JsonShapeError(message, this.#line);
  }
}
