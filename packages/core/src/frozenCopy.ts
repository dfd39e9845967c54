// Deep-frozen copies: how the inbox and the memory store share stored objects without copying them.

function isDeepFrozen(value: object): boolean {
  if (!Object.isFrozen(value)) return false;
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined || (typeof child === 'object' && child !== null && !isDeepFrozen(child))) {
      return false;
    }
  }
  return true;
}

/**
 * A deep-frozen copy of plain objects and arrays (keys holding undefined dropped; class instances kept
 * as they are). Parts already deep-frozen are shared, not copied: nobody can change them (the inbox
 * builds messages on frozen shared lists, so a stored message costs one shallow copy).
 */
export function frozenCopy<T>(value: T): T {
  if (typeof value !== 'object' || value === null || isDeepFrozen(value)) return value;
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  // A spread is the fastest copy; then only the children not frozen yet are copied. Keys holding
  // undefined (rare) need the key-by-key copy that leaves them out.
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key in out) {
    const child = out[key];
    if (child === undefined) return compactFrozenCopy(value as Record<string, unknown>) as T;
    if (typeof child === 'object' && child !== null && !isDeepFrozen(child)) out[key] = frozenCopy(child);
  }
  return Object.freeze(out) as T;
}

function compactFrozenCopy(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in value) {
    const child = value[key];
    if (child !== undefined) out[key] = frozenCopy(child);
  }
  return Object.freeze(out);
}
