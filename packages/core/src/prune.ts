import { ValidationError } from './errors.js';
import type { PruneOptions } from './store.js';

/**
 * The cutoff of a `Store.prune` call (epoch ms), checked once for every store.
 * @throws ValidationError when `olderThan` is not a finite number.
 */
export function pruneCutoff(options: PruneOptions): number {
  const olderThan = (options as Partial<PruneOptions> | null | undefined)?.olderThan;
  if (typeof olderThan !== 'number' || !Number.isFinite(olderThan))
    throw new ValidationError('prune options', [
      { path: 'olderThan', message: 'expected a finite epoch time in ms' },
    ]);
  return olderThan;
}
