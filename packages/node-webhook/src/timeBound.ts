// Meta waits a few seconds for the answer to a delivery and counts anything slower as a failure (and
// unsubscribes the page after an hour of them), so every call a delivery waits on gets a bound.

/** What {@link withinBound} returns when the bound passed first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Settles with `work`'s result, or with {@link TIMED_OUT} once `ms` have passed (its later rejection is
 * swallowed: whoever gave up on it has already answered). The timer is cleared either way.
 */
export function withinBound<T>(work: PromiseLike<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
  });
  const guarded = Promise.resolve(work);
  guarded.catch(() => {});
  return Promise.race([guarded, bound]).finally(() => clearTimeout(timer));
}
