import { type RenderStats, round } from './summary.js';

/** The moments of a report's render after its start, each marked once it has happened. */
export const PhaseMark = {
  /** Every dataset has been read. */
  dataRead: 'dataRead',
  /** The last chart is ready (cached, rendered or failed). */
  chartsReady: 'chartsReady',
  /** The document is written (and, for PDF, compiled). */
  written: 'written',
} as const;
export type PhaseMark = keyof typeof PhaseMark;

/**
 * A report's phase times: marks in ms since the render started (a mark never reached stays 0),
 * read as the `ms` of the stats.
 */
export class PhaseClock {
  readonly #start: number;
  readonly #at: Record<PhaseMark, number> = { dataRead: 0, chartsReady: 0, written: 0 };

  /** @param start `performance.now()` when the render began. Defaults to now. */
  constructor(start = performance.now()) {
    this.#start = start;
  }

  /** Marks `mark` at `at` (a `performance.now()` time; defaults to now). A later mark replaces it. */
  mark(mark: PhaseMark, at = performance.now()): void {
    this.#at[mark] = at - this.#start;
  }

  /** Marks `mark` when `done` resolves; the promise returned settles as `done` does. */
  markWhen(mark: PhaseMark, done: Promise<unknown>): Promise<void> {
    return done.then(() => this.mark(mark));
  }

  /**
   * Phases overlap (a dataset's charts render while the next dataset is read), so each counts
   * what it added: `data` until every dataset was read, `charts` the time charts took beyond
   * that, `document` the writing (and PDF compile) after both.
   */
  ms(): RenderStats['ms'] {
    const { dataRead, chartsReady, written } = this.#at;
    return {
      total: round(written),
      data: round(dataRead),
      charts: round(Math.max(0, chartsReady - dataRead)),
      document: round(written - Math.max(dataRead, chartsReady)),
    };
  }
}
