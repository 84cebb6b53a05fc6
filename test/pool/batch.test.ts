import { describe, expect, it } from 'vitest';
import { Pending, takeBatch } from '../../src/pool/batch.js';
import { barJob } from './helpers.js';

/** A chart waiting for a worker, estimated at `estimateMs`. */
function waiting(title: string, estimateMs = 25): Pending {
  const { chart, frame } = barJob(title);
  return new Pending(
    { chart, frame },
    { owned: false, timeoutMs: 1000, estimateMs },
    () => {},
    () => {},
  );
}

const titles = (charts: readonly Pending[]) => charts.map((p) => p.task.chart.title);

describe('takeBatch', () => {
  it('takes small charts from the head of the queue together, in order, up to 8', () => {
    const queue = Array.from({ length: 40 }, (_, i) => waiting(`c${i}`, 10));
    const batch = takeBatch(queue, 2);
    expect(titles(batch.charts)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
    expect(queue).toHaveLength(32);
    expect(queue[0]?.task.chart.title).toBe('c8');
    expect(batch.charts.every((p) => p.batch === batch)).toBe(true);
  });

  it('takes no more than about 100 ms of estimated work', () => {
    const queue = Array.from({ length: 40 }, (_, i) => waiting(`c${i}`, 30));
    expect(takeBatch(queue, 2).charts).toHaveLength(3);
  });

  it('leaves an even share of a short queue for each batch the workers can hold', () => {
    // Two workers, each holding the batch it draws and the next: four batches share six charts.
    const queue = Array.from({ length: 6 }, (_, i) => waiting(`c${i}`, 10));
    expect(takeBatch(queue, 2).charts).toHaveLength(2);
    expect(takeBatch([waiting('one')], 2).charts).toHaveLength(1);
  });

  it('sends a large chart, or one marked to travel alone, in a batch of its own', () => {
    const queue = [waiting('big', 150), ...Array.from({ length: 20 }, (_, i) => waiting(`c${i}`, 10))];
    expect(titles(takeBatch(queue, 1).charts)).toEqual(['big']);
    const loner = waiting('loner', 10);
    loner.alone = true;
    const rest = [waiting('a', 10), waiting('b', 10), loner, waiting('c', 10), waiting('d', 10)];
    expect(titles(takeBatch(rest, 1).charts)).toEqual(['a', 'b']);
    expect(titles(takeBatch(rest, 1).charts)).toEqual(['loner']);
  });
});

describe('Pending', () => {
  it('settles once, and tells its start once however often it is sent', () => {
    const started: number[] = [];
    const settled: unknown[] = [];
    const { chart, frame } = barJob('x');
    const p = new Pending(
      { chart, frame },
      { owned: false, timeoutMs: 1000, estimateMs: 25, onStart: (id) => started.push(id) },
      (r) => settled.push(r.kind),
      (e) => settled.push(e),
    );
    p.tell(3);
    p.tell(4);
    p.reject('first');
    p.resolve({ kind: 'failed', message: 'late', threadId: 4, heapUsed: 1 });
    expect(started).toEqual([3]);
    expect(settled).toEqual(['first']);
    expect(p.settled).toBe(true);
  });
});
