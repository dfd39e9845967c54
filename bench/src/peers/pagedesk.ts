import { loadPagedesk } from '../pagedeskBuild.js';
import type { SignedBody } from '../payloads.js';
import { APP_SECRET } from '../payloads.js';
import type { InProcessContender } from './types.js';

export const pagedesk: InProcessContender = {
  name: 'Pagedesk verifySignature + parseWebhook',
  version: '(this repository)',
  validates:
    'HMAC-SHA256 + constant-time compare; zod schema of every event; normalised MessengerEvent with deterministic ids, sorted',
  typesEvents: true,
  async create() {
    const { verifySignature, parseWebhook } = await loadPagedesk();
    return (body: SignedBody) => {
      if (!verifySignature(body.raw, body.signature256, APP_SECRET))
        throw new Error('Pagedesk rejected the signature');
      return parseWebhook(body.raw);
    };
  },
};
