import {
  type Channel,
  type Conversation,
  type ConversationWithCustomer,
  createInbox,
  type Inbox,
  memoryStore,
  type Paged,
} from '@pagedesk/core';
import { testEntities, testEvents } from '@pagedesk/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInboxApi, type InboxPrincipal, inProcessFanout, type LiveEventDraft } from '../index.js';

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

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

/** The scenario's channels, then its customer messages, then its agentIds changes (`between` runs before those). */
async function world(scenario: Scenario, between?: (inbox: Inbox) => Promise<void>) {
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
  await between?.(inbox);
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
  return { store, inbox };
}

describe('tenancy property', () => {
  it('every list and read equals the brute-force filter by the principal’s rights', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const { store, inbox } = await world(scenario);
        const allChannels = await store.channels.list();
        const allConversations: Conversation[] = [];
        for (let cursor: string | null = null; ; ) {
          const page: Paged<Conversation> = await store.conversations.list({
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
              const page = body as Paged<ConversationWithCustomer>;
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

  it('every live stream equals the brute-force filter of all events by the principal’s rights at the time', async () => {
    const channelOf = (event: LiveEventDraft | Record<string, unknown>): string => {
      const e = event as {
        conversation?: { channelId: string };
        message?: { channelId: string };
        channel?: { id: string };
      };
      return e.conversation?.channelId ?? e.message?.channelId ?? e.channel?.id ?? '?';
    };
    let events = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const published: LiveEventDraft[] = [];
        const inner = inProcessFanout();
        let api: ReturnType<typeof createInboxApi> | undefined;
        const bodies: Array<Promise<string>> = [];
        let initial: Channel[] = [];
        await world(scenario, async (inbox) => {
          initial = await inbox.store.channels.list();
          api = createInboxApi({
            inbox,
            heartbeatMs: 0,
            authorize: (request) => principalsToTry[Number(request.headers.get('x-p'))] ?? null,
            fanout: {
              publish(event) {
                published.push(event);
                inner.publish(event);
              },
              subscribe: inner.subscribe,
            },
          });
          for (const i of principalsToTry.keys()) {
            const response = await api.fetch(
              new Request('http://h.test/events', { headers: { 'x-p': String(i) } }),
            );
            bodies.push(response.text());
          }
        });
        api?.close(); // ends every stream, so each body is complete
        const received = await Promise.all(bodies);
        for (const [i, principal] of principalsToTry.entries()) {
          // Brute force: walk every published event with the channels this principal sees at that moment.
          const visible = new Set(initial.filter((c) => mayView(principal, c)).map((c) => c.id));
          const expected: string[] = [];
          for (const event of published) {
            if (
              event.type === 'channel:updated' &&
              mayView(principal, event.channel) !== visible.has(event.channel.id)
            ) {
              if (visible.has(event.channel.id)) visible.delete(event.channel.id);
              else visible.add(event.channel.id);
              expected.push('reset');
            } else if (visible.has(channelOf(event))) expected.push(`${event.type} ${channelOf(event)}`);
          }
          const got = (received[i] as string)
            .split('\n\n')
            .map((frame) => frame.split('\n').find((line) => line.startsWith('data: ')))
            .filter((line): line is string => line !== undefined)
            .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>)
            .map((data) =>
              data['type'] === 'reset' ? 'reset' : `${String(data['type'])} ${channelOf(data)}`,
            );
          expect(got).toEqual(expected);
          events += got.length;
        }
      }),
      { numRuns: 40 },
    );
    // The property saw real traffic, not only empty streams.
    expect(events).toBeGreaterThan(100);
  });
});
