import { pagedesk } from '../../lib/pagedesk';

// Meta's (here: the emulator's) webhook. Node runtime: the emulator and the in-memory inbox live in this
// process. createWebhook().fetch also runs on the edge runtime (Web Crypto) when the hand-off does.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = async (request: Request) =>
  (await pagedesk(new URL(request.url).origin)).webhook.fetch(request);

export { handle as GET, handle as POST };
