import type { SignedBody } from '../payloads.js';
import { APP_SECRET } from '../payloads.js';
import type { InProcessContender } from './types.js';

interface NodeWebhookModule {
  verifySignature(raw: Buffer, header: string | undefined, appSecret: string): boolean;
  parseWebhook(raw: Buffer): unknown[];
}

/** Loads `@pagedesk/node-webhook`, checking the two functions the bench needs exist. */
export async function loadNodeWebhook(): Promise<NodeWebhookModule & Record<string, unknown>> {
  const mod = (await import('@pagedesk/node-webhook')) as unknown as NodeWebhookModule &
    Record<string, unknown>;
  if (typeof mod.verifySignature !== 'function') throw new Error('verifySignature is not exported yet');
  if (typeof mod.parseWebhook !== 'function') throw new Error('parseWebhook is not exported yet');
  return mod;
}

export const pagedesk: InProcessContender = {
  name: 'Pagedesk verifySignature + parseWebhook',
  version: 'workspace',
  validates:
    'HMAC-SHA256 + constant-time compare; zod schema of every event; normalised MessengerEvent with deterministic ids, sorted',
  typesEvents: true,
  async create() {
    const { verifySignature, parseWebhook } = await loadNodeWebhook();
    return (body: SignedBody) => {
      if (!verifySignature(body.raw, body.signature256, APP_SECRET))
        throw new Error('Pagedesk rejected the signature');
      return parseWebhook(body.raw);
    };
  },
};
