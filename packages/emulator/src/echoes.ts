import { PAGE_INBOX_APP_ID, ValidationError } from '@pagedesk/core';
import type { ResolvedAt } from './customerActions.js';
import type { EmulatorMessage } from './types.js';
import { echoEvent } from './webhookItems.js';
import type { DeliveryOutcome } from './webhooks.js';
import { newMessage, type World } from './world.js';

// What the page sends shows up in its webhooks as echoes (`message_echoes`): messages sent through the
// Send API carry the app's id, messages sent from Meta Business Suite carry the Page Inbox's.

/** Queues the echo webhook of a message the page sent. */
export function sendEcho(world: World, message: EmulatorMessage): Promise<DeliveryOutcome> {
  const page = world.page(message.pageId);
  return world.enqueue(echoEvent(page, message, message.appId ?? world.options.appId));
}

/** A message the page sent from another app (Page Inbox by default): an echo with that app id. */
export function pageEcho(
  world: World,
  pageId: string,
  input: ResolvedAt<{
    recipient: string;
    text: string;
    appId?: string | number | undefined;
    metadata?: string | undefined;
  }>,
) {
  const page = world.page(pageId);
  const customer = world.customer(input.recipient);
  if (customer.pageId !== page.id)
    throw new ValidationError('echo', [{ path: 'recipient', message: 'is not a customer of this page' }]);
  const timestamp = world.time(input.at);
  const message = newMessage({
    pageId: page.id,
    customerId: customer.id,
    direction: 'outbound',
    text: input.text,
    attachments: [],
    timestamp,
    appId: String(input.appId ?? PAGE_INBOX_APP_ID),
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  });
  world.insert(message);
  return { mid: message.mid, timestamp, delivery: sendEcho(world, message) };
}
