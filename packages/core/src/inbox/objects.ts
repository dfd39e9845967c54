// Small object helpers of the inbox. Everything the inbox stores is frozen where it is built, so
// `memoryStore()` can keep it without a defensive copy and listeners cannot change stored state.

/** The one empty list every message without attachments or reactions shares (frozen, so safe to share). */
export const EMPTY: never[] = Object.freeze([]) as unknown as never[];

/** Drops keys whose value is undefined, so optional fields stay absent (exactOptionalPropertyTypes). */
export function compact<T extends object>(value: T): T {
  const out = {} as Record<string, unknown>;
  for (const key in value) {
    const v = value[key];
    if (v !== undefined) out[key] = v;
  }
  return out as T;
}

export function without<T extends object, K extends keyof T>(value: T, ...keys: K[]): Omit<T, K> {
  const out = { ...value };
  for (const key of keys) delete out[key];
  return out;
}

/**
 * Freezes, in place, an object the inbox built and the children it built with it. Children already
 * frozen are shared as they are; parts that came from the caller (event attachments) are copied with
 * `frozenCopy` before they get here, so the caller's own objects are never frozen.
 */
export function freezeOwned<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const key in value) freezeOwned(value[key]);
    Object.freeze(value);
  }
  return value;
}
