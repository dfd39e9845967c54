import { createHmac } from 'node:crypto';
import type { SignedBody } from '../payloads.js';
import { APP_SECRET } from '../payloads.js';
import type { InProcessContender } from './types.js';
import { benchRequire, versionOf } from './versions.js';

// messenger-bot 2.x: middleware() concatenates the body as a string, HMAC-SHA1 of it compared with `!==`,
// JSON.parse, then _handleMessage() emits 'message' / 'echo' / 'read' ... per messaging item. Its own
// signature check lives inside the HTTP middleware, so the same lines are reproduced here verbatim.

interface MessengerBot {
  _handleMessage(json: unknown): void;
  on(event: string, listener: (...args: unknown[]) => void): void;
}

export const messengerBot: InProcessContender = {
  name: 'messenger-bot',
  version: versionOf('messenger-bot'),
  validates: 'HMAC-SHA1 (legacy header), string compare (not constant-time); nothing else',
  typesEvents: false,
  async create() {
    const Bot = benchRequire('messenger-bot') as new (opts: Record<string, unknown>) => MessengerBot;
    const bot = new Bot({ token: 'bench-token', verify: 'bench-verify-token', app_secret: APP_SECRET });
    let received: unknown[] = [];
    for (const kind of ['message', 'echo', 'postback', 'delivery', 'read', 'authentication', 'referral']) {
      bot.on(kind, (payload) => received.push(payload));
    }
    return (body: SignedBody) => {
      const text = body.raw.toString('utf8');
      const hmac = createHmac('sha1', APP_SECRET);
      hmac.update(text);
      if (body.signature1 !== `sha1=${hmac.digest('hex')}`)
        throw new Error('messenger-bot rejected the signature');
      const parsed = JSON.parse(text) as { entry: Array<{ messaging: unknown[] | null }> };
      received = [];
      if (parsed.entry[0]?.messaging !== null && typeof parsed.entry[0]?.messaging?.[0] !== 'undefined') {
        bot._handleMessage(parsed);
      }
      return received;
    };
  },
};
