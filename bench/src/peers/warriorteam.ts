import type { SignedBody } from '../payloads.js';
import { APP_SECRET } from '../payloads.js';
import type { InProcessContender } from './types.js';
import { versionOf } from './versions.js';

// @warriorteam/messenger-sdk: its README's webhook recipe: verifyWebhookSignature(rawBody, X-Hub-Signature-256,
// secret) (async, HMAC-SHA256, constant-time), JSON.parse, extractWebhookEvents(payload) and
// getWebhookEventType(event) to dispatch. Types only (TypeScript), no runtime validation.

interface WarriorSdk {
  verifyWebhookSignature(raw: Buffer, sig: string | undefined, secret: string): Promise<{ isValid: boolean }>;
  extractWebhookEvents(payload: unknown): unknown[];
  getWebhookEventType(event: unknown): unknown;
}

export const warriorteam: InProcessContender = {
  name: '@warriorteam/messenger-sdk',
  version: versionOf('@warriorteam/messenger-sdk'),
  validates:
    'HMAC-SHA256 + constant-time compare; TypeScript types, no runtime validation; event type per event',
  typesEvents: true,
  async create() {
    const sdk = (await import('@warriorteam/messenger-sdk')) as unknown as WarriorSdk;
    return async (body: SignedBody) => {
      const result = await sdk.verifyWebhookSignature(body.raw, body.signature256, APP_SECRET);
      if (!result.isValid) throw new Error('warriorteam rejected the signature');
      const events = sdk.extractWebhookEvents(JSON.parse(body.raw.toString('utf8')));
      return events.map((event) => [sdk.getWebhookEventType(event), event]);
    };
  },
};
