import { pagedesk } from '../../../lib/pagedesk';

// Where the emulator's customer chat page is, and who can write from it: the demo's other side.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const { emulator } = await pagedesk(new URL(request.url).origin);
  return Response.json({
    url: emulator.url,
    customers: emulator.customers.list().map(({ id, name }) => ({ id, name })),
  });
}
