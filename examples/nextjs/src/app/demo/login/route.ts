import { pagedesk } from '../../../lib/pagedesk';

// Stands in for Facebook Login in the channel settings: the emulator's admin user token.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const { emulator } = await pagedesk(new URL(request.url).origin);
  return Response.json({ userAccessToken: emulator.userToken });
}
