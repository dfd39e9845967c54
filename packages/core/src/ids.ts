// Id generation shared by the core modules (internal, not exported from the package entry).

/**
 * A deterministic id from its parts (two 32-bit FNV-1a/murmur-style mixes, base 36). The inbox derives
 * ids of conversations and inbound messages from Meta's ids, so two processes applying the same event
 * create the same row instead of two.
 */
export function hashId(prefix: string, ...parts: string[]): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  // Hashes the parts joined by NUL without building the joined string (ids are made per message).
  for (let p = 0; p < parts.length; p++) {
    const input = parts[p]!;
    if (p > 0) {
      h1 = Math.imul(h1, 2654435761);
      h2 = Math.imul(h2, 1597334677);
    }
    for (let i = 0; i < input.length; i++) {
      const c = input.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 2654435761);
      h2 = Math.imul(h2 ^ c, 1597334677);
    }
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return withDigits(prefix, h2 >>> 0, h1 >>> 0);
}

const DIGITS = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));
const UNDERSCORE = 95;
// The 14 base-36 digits of two uint32s, each zero-padded to 7 (2^32 has 7): reused, ids are made one at a time.
const digits = new Array<number>(14);

function fillBase36(n: number, end: number): void {
  for (let i = end - 1; i >= end - 7; i--) {
    digits[i] = DIGITS[n % 36]!;
    n = (n / 36) >>> 0;
  }
}

/**
 * `${prefix}_` then `a` and `b` in base 36 (what `n.toString(36).padStart(7, '0')` gives), built as one
 * flat string: a concatenation would make a rope that every Map lookup by the id first flattens.
 */
function withDigits(prefix: string, a: number, b: number): string {
  fillBase36(a, 7);
  fillBase36(b, 14);
  if (prefix.length === 1) {
    return String.fromCharCode(
      prefix.charCodeAt(0),
      UNDERSCORE,
      digits[0]!,
      digits[1]!,
      digits[2]!,
      digits[3]!,
      digits[4]!,
      digits[5]!,
      digits[6]!,
      digits[7]!,
      digits[8]!,
      digits[9]!,
      digits[10]!,
      digits[11]!,
      digits[12]!,
      digits[13]!,
    );
  }
  return `${prefix}_${String.fromCharCode(...digits)}`;
}

/** A random id (crypto.getRandomValues exists in browsers and in Node 20 as a global). */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return `${prefix}_${out}`;
}
