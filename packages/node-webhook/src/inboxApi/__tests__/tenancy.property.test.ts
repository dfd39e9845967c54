import {
  type Channel,
  type Conversation,
  type ConversationWithCustomer,
  createInbox,
  memoryStore,
  type Page,
} from '@pagedesk/core';
import { testEntities, testEvents } from '@pagedesk/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInboxApi, type InboxPrincipal } from '../index.js';

// Random organisations, channels, agents and customer messages: whatever any principal lists or reads
// through the API equals the brute-force filter of all the data by that principal's rights, written
// here again from the rule itself (not from the API's code).

const ORGS = ['org-1', 'org-2', 'org-3'] as const;
const AGENTS = ['agent-1', 'agent-2', 'agent-3'] as const;

const channelArb = fc.record({
  organizationId: fc.option(fc.constantFrom(...ORGS), { nil: undefined }),
  agentIds: fc.subarray([...AGENTS]),
});
const messageArb = fc.record({
  channel: fc.nat(),
  customer: fc.integer({ min: 1, max: 4 }),
  text: fc.string({ maxLength: 12 }),
});
const scenarioArb = fc.record({
  channels: fc.array(channelArb, { minLength: 1, maxLength: 6 }),
  messages: fc.array(messageArb, { maxLength: 25 }),
  /** Channels whose agentIds an admin changes after the messages (the rule must follow). */
  changes: fc.array(fc.record({ channel: fc.nat(), agentIds: fc.subarray([...AGENTS]) }), { maxLength: 3 }),
  limit: fc.integer({ min: 1, max: 7 }),
});

const principalsToTry: InboxPrincipal[] = [undefined, ...ORGS].flatMap((organizationId) => [
  { role: 'admin' as const, ...(organizationId ? { organizationId } : {}) },
  ...[undefined, ...AGENTS].map((agentId) => ({
    role: 'agent' as const,
    ...(organizationId ? { organizationId } : {}),
    ...(agentId ? { agentId } : {}),
  })),
]);

/** The rule, brute force: same organisation (or both none), and for an agent an open or naming list. */
function mayView(principal: InboxPrincipal, channel: Channel): boolean {
  if (channel.organizationId !== principal.organizationId) return false;
  if (principal.role === 'admin') return true;
  return (
    channel.settings.agentIds.length === 0 || channel.settings.agentIds.some((id) => id === principal.agentId)
  );
}

describe('tenancy property', () => {
  it('every list and read equals the brute-force filter by the principal’s rights', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const store = memoryStore();
        const inbox = createInbox({ store });
        const ids = scenario.channels.map((_, i) => `page-${i}`);
        for (const [i, spec] of scenario.channels.entries()) {
          const base = testEntities.channel();
          await inbox.updateChannel(
            testEntities.channel({
              id: ids[i] as string,
              ...(spec.organizationId ? { organizationId: spec.organizationId } : {}),
              settings: { ...base.settings, agentIds: spec.agentIds },
            }),
          );
        }
        const start = Date.UTC(2026, 0, 1);
        for (const [n, m] of scenario.messages.entries())
          await inbox.apply([
            testEvents.message({
              pageId: ids[m.channel % ids.length] as string,
              customerId: `psid-${m.customer}`,
              text: m.text,
              timestamp: start + (n + 1) * 1000,
            }),
          ]);
        for (const change of scenario.changes) {
          const channel = (await store.channels.get(ids[change.channel % ids.length] as string)) as Channel;
          await inbox.updateChannel({
            ...channel,
            settings: { ...channel.settings, agentIds: change.agentIds },
          });
        }
        const allChannels = await store.channels.list();
        const allConversations: Conversation[] = [];
        for (let cursor: string | null = null; ; ) {
          const page: Page<Conversation> = await store.conversations.list({
            limit: 100,
            ...(cursor ? { cursor } : {}),
          });
          allConversations.push(...page.items);
          cursor = page.nextCursor;
          if (cursor === null) break;
        }

        let principal = principalsToTry[0] as InboxPrincipal;
        const api = createInboxApi({ inbox, authorize: () => principal, heartbeatMs: 0 });
        const get = async (path: string) => {
          const response = await api.fetch(new Request(`http://h.test${path}`));
          return { status: response.status, body: (await response.json()) as unknown };
        };
        try {
          for (principal of principalsToTry) {
            const visible = new Set(allChannels.filter((c) => mayView(principal, c)).map((c) => c.id));
            const expected = allConversations.filter((c) => visible.has(c.channelId)).map((c) => c.id);
            const listed: string[] = [];
            for (let cursor: string | null = null; ; ) {
              const query: string = `?limit=${scenario.limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
              const { status, body } = await get(`/conversations${query}`);
              expect(status).toBe(200);
              const page = body as Page<ConversationWithCustomer>;
              listed.push(...page.items.map((c) => c.id));
              cursor = page.nextCursor;
              if (cursor === null) break;
            }
            expect(listed.sort()).toEqual(expected.sort());
            const channels = (await get('/channels')).body as Channel[];
            expect(channels.map((c) => c.id).sort()).toEqual([...visible].sort());
            for (const conversation of allConversations) {
              const { status } = await get(`/conversations/${conversation.id}`);
              expect(status).toBe(visible.has(conversation.channelId) ? 200 : 404);
            }
            checked++;
          }
        } finally {
          api.close();
        }
      }),
      { numRuns: 40 },
    );
    expect(checked).toBe(40 * principalsToTry.length);
  });
});
