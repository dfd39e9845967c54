import { pagedesk } from '../../../../lib/pagedesk';

// Every route of createInboxApi (REST + the SSE event stream) behind one catch-all route handler.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

const handle = async (request: Request) => (await pagedesk(new URL(request.url).origin)).api.fetch(request);

export { handle as DELETE, handle as GET, handle as PATCH, handle as POST, handle as PUT };
