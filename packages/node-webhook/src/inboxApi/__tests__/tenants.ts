import { type Agent, createInbox, type Inbox, memoryStore, type Store } from '@pagedesk/core';
import type { InboxPrincipal } from '../index.js';
import { channel, conversation, customer, message } from './helpers.js';

// Two organisations on one store, for the isolation tests: Acme with an open page and a page limited
// to another agent, Globex with one page. Every id and name of Globex contains "globex" and every one
// of Acme's limited page "acme-hidden", so a test finds a leak by searching a response body for the
// word (not "hidden" alone: a comment's `moderation.hidden` is no leak).

export const ACME = 'org-acme';
export const GLOBEX = 'org-globex';

/** Acme's page every Acme agent works. */
export const ACME_OPEN = 'page-acme-open';
/** Acme's page limited to `agent-acme-2`: hidden from `agent-acme-1`, visible to Acme's admin. */
export const ACME_HIDDEN = 'page-acme-hidden';
export const GLOBEX_OPEN = 'page-globex-open';

export const principals = {
  acmeAdmin: { organizationId: ACME, agentId: 'agent-acme-admin', role: 'admin' },
  acmeAgent: { organizationId: ACME, agentId: 'agent-acme-1', role: 'agent' },
  globexAdmin: { organizationId: GLOBEX, agentId: 'agent-globex-admin', role: 'admin' },
  globexAgent: { organizationId: GLOBEX, agentId: 'agent-globex-1', role: 'agent' },
} satisfies Record<string, InboxPrincipal>;

/** The test's `authorize`: the principal named by the request's `x-principal` header, or null (401). */
export const authorizeByHeader = (request: Request): InboxPrincipal | null =>
  principals[request.headers.get('x-principal') as keyof typeof principals] ?? null;

/** The ids of what lives on a page: one customer, one conversation, one message. */
export const onPage = (pageId: string) => ({
  customerId: `${pageId}:psid-1`,
  conversationId: `conv-${pageId}`,
  messageId: `msg-${pageId}`,
});

/** Each organisation's agent directory (what `agents(principal)` answers). */
export const directory: Record<string, Agent[]> = {
  [ACME]: [
    { id: 'agent-acme-1', name: 'Ana Acme' },
    { id: 'agent-acme-2', name: 'Hugo Acme' },
  ],
  [GLOBEX]: [{ id: 'agent-globex-1', name: 'Greta Globex' }],
};

/** Puts one page with a customer, a conversation and a message in the store. */
export async function seedPage(
  store: Store,
  pageId: string,
  organizationId: string | undefined,
  agentIds: string[] = [],
  at = 0,
): Promise<void> {
  const ids = onPage(pageId);
  const org = organizationId === undefined ? {} : { organizationId };
  const base = channel();
  await store.channels.put(
    channel({ id: pageId, name: `Page ${pageId}`, ...org, settings: { ...base.settings, agentIds } }),
  );
  await store.customers.put(
    customer(1, {
      id: ids.customerId,
      channelId: pageId,
      name: `Customer of ${pageId}`,
      psid: 'psid-1',
      ...org,
    }),
  );
  await store.conversations.put(
    conversation(1, {
      id: ids.conversationId,
      channelId: pageId,
      customerId: ids.customerId,
      preview: `Preview of ${pageId}`,
      lastMessageAt: at + 1,
      ...org,
    }),
  );
  await store.messages.put(
    message(1, ids.conversationId, {
      id: ids.messageId,
      mid: `mid-${pageId}`,
      channelId: pageId,
      text: `Text of ${pageId}`,
    }),
  );
}

/** Acme (an open page and a hidden one) and Globex (one page). */
export async function seedTenants(store: Store): Promise<void> {
  await seedPage(store, ACME_OPEN, ACME, [], 1);
  await seedPage(store, ACME_HIDDEN, ACME, ['agent-acme-2'], 2);
  await seedPage(store, GLOBEX_OPEN, GLOBEX, [], 3);
}

/** Words that must never appear in anything this principal receives. */
export function forbiddenWords(principal: InboxPrincipal): RegExp {
  const words = [principal.organizationId === GLOBEX ? 'acme' : 'globex'];
  if (principal.organizationId === ACME && principal.role === 'agent') words.push('acme-hidden');
  return new RegExp(words.join('|'), 'i');
}

/** A real inbox over a memory store seeded with {@link seedTenants}. */
export async function tenantInbox(): Promise<Inbox> {
  const store = memoryStore();
  await seedTenants(store);
  return createInbox({ store });
}

/** A JSON request to the API at `base` as one of {@link principals}; the body parsed (undefined when empty). */
export async function callAs(
  base: string,
  who: keyof typeof principals,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-principal': who, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}
