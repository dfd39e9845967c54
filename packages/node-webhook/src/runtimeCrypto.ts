import { PagedeskError } from '@pagedesk/core';

type NodeCrypto = typeof import('node:crypto');

interface MaybeNodeProcess {
  process?: { getBuiltinModule?: (id: string) => unknown };
}

/**
 * `node:crypto` where the runtime has it (Node ≥ 20.16, Bun, Deno, Workers with `nodejs_compat`), read
 * through `process.getBuiltinModule` so that loading this package never imports it: Next's edge runtime
 * and Workers without `nodejs_compat` have Web Crypto only, and a static import would fail there.
 */
export const nodeCrypto: NodeCrypto | undefined = (
  globalThis as MaybeNodeProcess
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;

/** node:crypto, or a PagedeskError (`unsupported_runtime`) naming the call that needs it and what to use instead. */
export function requireNodeCrypto(what: string, instead: string): NodeCrypto {
  if (nodeCrypto) return nodeCrypto;
  throw new PagedeskError(
    'unsupported_runtime',
    `${what} needs node:crypto, which this runtime does not provide; ${instead}`,
  );
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a string (what Meta signs, and what tokens are compared as). */
export const utf8 = (text: string): Uint8Array<ArrayBuffer> => encoder.encode(text);

/**
 * Constant-time equality of two byte strings: the time depends on the length only, never on where
 * they differ (the same guarantee as node:crypto's timingSafeEqual, without it).
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

// The value of each lowercase hex digit by char code (other codes never reach it: the header is checked first).
const HEX_VALUE = new Uint8Array(128);
for (let i = 0; i < 16; i++) HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;

/** Bytes of an even-length lowercase hex string already checked against /^[0-9a-f]+$/. */
export function hexBytes(hex: string): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < bytes.length; i++) {
    bytes[i] =
      ((HEX_VALUE[hex.charCodeAt(2 * i)] as number) << 4) | (HEX_VALUE[hex.charCodeAt(2 * i + 1)] as number);
  }
  return bytes;
}
