import { NotFoundError, ValidationError } from '../errors.js';
import type { Customer } from '../model.js';
import type { ChannelContext } from './channelContext.js';

// Blocking a customer from the Page (Messenger, Graph `/{page}/blocked` by PSID): Meta first, then the
// customer records it (`customer:updated` to every open inbox), and the send path refuses replies
// with the reason until an agent unblocks. Instagram has no blocking API for a business account.
// https://developers.facebook.com/docs/graph-api/reference/page/blocked/

/** Creates `setBlocked` over the channels' shared context. */
export function createBlocking(ctx: ChannelContext) {
  const { store, inbox, now } = ctx;
  return async function setBlocked(
    customerId: string,
    blocked: boolean,
    options: { agentId?: string } = {},
  ): Promise<Customer> {
    const customer = await store.customers.get(customerId);
    if (!customer) throw new NotFoundError('Customer', customerId);
    const channel = await ctx.getChannel(customer.channelId);
    if (channel.platform === 'instagram')
      throw new ValidationError('block', [
        { path: 'customerId', message: 'Instagram accounts cannot block people through the API' },
      ]);
    ctx.assertSendable(channel);
    const page = await ctx.pageGraph(channel);
    await ctx.guarded(channel, () => page.setBlocked(customer.psid, blocked));
    return inbox.recordBlocked(
      customerId,
      blocked ? { at: now(), ...(options.agentId === undefined ? {} : { by: options.agentId }) } : null,
    );
  };
}
