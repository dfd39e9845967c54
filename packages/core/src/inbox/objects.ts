// Small object helpers of the inbox.

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
 * Deep-freezes, in place, an object the inbox built itself (children already frozen are kept as they
 * are): the memory store then keeps it as it is instead of storing a frozen copy. Only for objects no
 * caller holds, since freezing theirs would change them.
 */
export function freezeOwn<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const key in value) {
    const child = value[key];
    if (typeof child === 'object' && child !== null && !Object.isFrozen(child)) freezeOwn(child);
  }
  return Object.freeze(value);
}
