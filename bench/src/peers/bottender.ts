import type { SignedBody } from '../payloads.js';
import { APP_SECRET, VERIFY_TOKEN } from '../payloads.js';
import type { InProcessContender } from './types.js';
import { benchRequire, requireFrom, versionOf } from './versions.js';

// bottender 1.x: Server.run() → connector.preprocess() (HMAC-SHA1 of the raw body, timingSafeEqual) →
// Bot.createRequestHandler() → camelcaseKeysDeep(body) → connector.mapRequestToEvents(body)
// (a MessengerEvent per entry, `entry.messaging[0]`). bottender's express/node server JSON-parses the body.

interface BottenderConnector {
  preprocess(ctx: {
    method: string;
    headers: Record<string, string>;
    query: Record<string, string>;
    rawBody: string;
    body: unknown;
  }): Promise<{ shouldNext: boolean }>;
  mapRequestToEvents(body: unknown): unknown[];
}

/** A bottender MessengerConnector configured like the docs (no access token calls are made here). */
export function bottenderConnector(): BottenderConnector {
  const { MessengerConnector } = benchRequire('bottender') as {
    MessengerConnector: new (opts: Record<string, unknown>) => BottenderConnector;
  };
  return new MessengerConnector({
    accessToken: 'bench-token',
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
  });
}

/** bottender's camelcaseKeysDeep, from its own dependency. */
export function bottenderCamelcase(): (body: unknown) => unknown {
  const common = requireFrom('bottender')('messaging-api-common') as {
    camelcaseKeysDeep: (b: unknown) => unknown;
  };
  return common.camelcaseKeysDeep;
}

export const bottender: InProcessContender = {
  name: 'bottender MessengerConnector',
  version: versionOf('bottender'),
  validates:
    'HMAC-SHA1 (legacy header) + timingSafeEqual; no payload validation; camelCases every key; typed MessengerEvent wrappers',
  typesEvents: true,
  async create() {
    const connector = bottenderConnector();
    const camelcase = bottenderCamelcase();
    return async (body: SignedBody) => {
      const rawBody = body.raw.toString('utf8');
      const parsed = JSON.parse(rawBody) as unknown;
      const result = await connector.preprocess({
        method: 'post',
        headers: body.headers,
        query: {},
        rawBody,
        body: parsed,
      });
      if (!result.shouldNext) throw new Error('bottender rejected the signature');
      return connector.mapRequestToEvents(camelcase(parsed));
    };
  },
};
