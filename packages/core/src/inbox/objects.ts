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
