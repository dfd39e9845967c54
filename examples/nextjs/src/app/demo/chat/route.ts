import { pagedesk } from '../../../lib/pagedesk';

// The header's "Customer chat" link: the emulator's chat page, where you write as a customer
// (`?customer=<id>` opens that customer). Its address is known only once the emulator runs.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const { emulator } = await pagedesk(url.origin);
  const target = new URL(emulator.url);
  const customer = url.searchParams.get('customer');
  if (customer) target.searchParams.set('customer', customer);
  return Response.redirect(target, 307);
}
