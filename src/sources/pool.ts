// Bounded concurrency for the live sources, on p-map and p-limit (well-kept promise pools) rather
// than a hand-written scheduler: a fixed number of workers, so the work in flight never grows with
// the estate (ADR 0116).
import pLimit from 'p-limit';
import pMap from 'p-map';

/** Runs `work` over `items` with at most `limit` in flight; results keep the items' order. */
export async function runPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>, onDone?: (done: number) => void): Promise<R[]> {
  let done = 0;
  return pMap(
    items,
    async (item) => {
      const result = await work(item);
      onDone?.(++done);
      return result;
    },
    { concurrency: Math.max(1, limit) },
  );
}

/** A counting semaphore: `run` waits until fewer than `limit` calls are in flight. */
export function limiter(limit: number): <R>(fn: () => Promise<R>) => Promise<R> {
  const slots = pLimit(limit);
  return (fn) => slots(fn);
}
