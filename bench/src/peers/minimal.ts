import { createHmac, timingSafeEqual } from 'node:crypto';
import { APP_SECRET, type SignedBody } from '../payloads.js';
import type { InProcessContender } from './types.js';

/**
 * The limit: the least a correct handler can do. HMAC-SHA256 of the raw bytes, constant-time compare,
 * JSON.parse of the same bytes; nothing else (no shape check, no normalisation).
 */
export function minimalVerifyParse(raw: Buffer, header: string | undefined): unknown {
  if (!header?.startsWith('sha256=')) throw new Error('missing signature');
  const expected = createHmac('sha256', APP_SECRET).update(raw).digest();
  const given = Buffer.from(header.slice(7), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  return JSON.parse(raw.toString('utf8'));
}

export const minimal: InProcessContender = {
  name: 'minimal handler (limit)',
  version: `node ${process.versions.node}`,
  validates: 'HMAC-SHA256 + timingSafeEqual + JSON.parse; no payload validation',
  typesEvents: false,
  async create() {
    return (body: SignedBody) => minimalVerifyParse(body.raw, body.signature256);
  },
};
