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
  return `${prefix}_${base36(h2 >>> 0)}${base36(h1 >>> 0)}`;
}

const DIGITS = Array.from('0123456789abcdefghijklmnopqrstuvwxyz', (c) => c.charCodeAt(0));

/**
 * A uint32 in base 36, zero-padded to 7 digits (2^32 has 7): what `n.toString(36).padStart(7, '0')`
 * gives, in one string allocation instead of several (ids are made per message).
 */
function base36(n: number): string {
  const d6 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d5 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d4 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d3 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d2 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  const d1 = DIGITS[n % 36]!;
  n = (n / 36) >>> 0;
  return String.fromCharCode(DIGITS[n]!, d1, d2, d3, d4, d5, d6);
}

/** A random id (crypto.getRandomValues exists in browsers and in Node 20 as a global). */
export function randomId(prefix: string): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return `${prefix}_${out}`;
}
