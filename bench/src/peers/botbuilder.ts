import type { SignedBody } from '../payloads.js';
import { APP_SECRET, VERIFY_TOKEN } from '../payloads.js';
import type { InProcessContender } from './types.js';
import { benchRequire, versionOf } from './versions.js';

// botbuilder-adapter-facebook (Botkit's Facebook adapter): processActivity(req, res, logic) →
// verifySignature (HMAC-SHA1 of req.rawBody, compared with `!==`) → for each entry and messaging item,
// processSingleMessage() builds a Bot Framework Activity and runs the middleware pipeline with a TurnContext.
// Botkit's web server has already JSON-parsed req.body with body-parser.

interface FacebookAdapter {
  processActivity(
    req: unknown,
    res: unknown,
    logic: (context: { activity: unknown }) => Promise<void>,
  ): Promise<void>;
}

/** The adapter configured like its README. */
export function facebookAdapter(): FacebookAdapter {
  const { FacebookAdapter } = benchRequire('botbuilder-adapter-facebook') as {
    FacebookAdapter: new (opts: Record<string, unknown>) => FacebookAdapter;
  };
  return new FacebookAdapter({
    verify_token: VERIFY_TOKEN,
    app_secret: APP_SECRET,
    access_token: 'bench-token',
  });
}

export const botbuilder: InProcessContender = {
  name: 'botbuilder-adapter-facebook',
  version: versionOf('botbuilder-adapter-facebook'),
  validates:
    'HMAC-SHA1 (legacy header), string compare (not constant-time); no payload validation; Bot Framework Activity per event',
  typesEvents: true,
  async create() {
    const adapter = facebookAdapter();
    return async (body: SignedBody) => {
      const rawBody = body.raw.toString('utf8');
      const activities: unknown[] = [];
      let status = 0;
      const res = {
        status(code: number) {
          status = code;
        },
        end() {},
      };
      await adapter.processActivity(
        { headers: body.headers, rawBody, body: JSON.parse(rawBody) },
        res,
        async (context) => {
          activities.push(context.activity);
        },
      );
      if (status !== 200) throw new Error(`botbuilder answered ${status}`);
      return activities;
    };
  },
};
