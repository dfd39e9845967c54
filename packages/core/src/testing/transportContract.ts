import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareConversations, matchesConversationQuery } from '../conversationQuery.js';
import { isPagedeskError, type PagedeskError } from '../errors.js';
import { messagePreview } from '../preview.js';
import type { ConversationListQuery, ConversationWithCustomer, InboxTransport } from '../transport.js';
import { type TransportSeed, transportSeed } from './transportSeed.js';

/** A transport built over a {@link TransportSeed}, and how to stop what serves it. */
export interface TransportUnderTest {
  transport: InboxTransport;
  close?(): void | Promise<void>;
}

const NOW = Date.UTC(2026, 0, 10, 12);

async function failure(promise: Promise<unknown>): Promise<PagedeskError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPagedeskError(error)) throw new Error(`expected a PagedeskError, got ${String(error)}`);
  return error;
}

/**
 * The behaviour every `InboxTransport` must have, as a vitest suite: lists (core's filter and order,
 * keyset paging), conversations and messages, sending (core's reply rules: window, text limit,
 * split, channel status, the composer's id kept and never sent twice), updates, and typed errors.
 * `setup` gets the records to serve ({@link TransportSeed}, the server's clock at `seed.now`) before
 * every test and returns the transport over them; `close` runs after it. `@pagedesk/react` runs it
 * against `httpTransport()` over a real `createInboxApi()` and against `createFakeTransport()`.
 *
 * @example
 * import { describeTransportContract } from '@pagedesk/core/testing';
 * describeTransportContract('my transport', async (seed) => {
 *   const server = await startMyBackend(seed);
 *   return { transport: myTransport(server.url), close: () => server.close() };
 * });
 */
export function describeTransportContract(
  name: string,
  setup: (seed: TransportSeed) => TransportUnderTest | Promise<TransportUnderTest>,
): void {
  describe(`Transport contract: ${name}`, () => {
    let seed: TransportSeed;
    let under: TransportUnderTest;
    let transport: InboxTransport;
    beforeEach(async () => {
      seed = transportSeed(NOW);
      under = await setup(seed);
      transport = under.transport;
    });
    afterEach(async () => {
      await under?.close?.();
    });

    /** What a list with `query` must hold, by core's rules, over the seed. */
    const expected = (query: ConversationListQuery) =>
      seed.conversations
        .map((c) => ({ ...c, customer: seed.customers.find((p) => p.id === c.customerId)! }))
        .filter((c) => matchesConversationQuery(c, query))
        .sort(compareConversations)
        .map((c) => c.id);
    const ids = async (query: ConversationListQuery) =>
      (await transport.listConversations({ limit: 100, ...query })).items.map((c) => c.id);

    describe('listConversations', () => {
      it('lists newest activity first, then id, each conversation with its customer', async () => {
        const page = await transport.listConversations({});
        expect(page.items.map((c) => c.id)).toEqual(expected({}));
        expect(page.nextCursor).toBeNull();
        const a = page.items.find((c) => c.id === 'conv_a') as ConversationWithCustomer;
        expect(a.customer).toMatchObject({ id: 'PAGE_1:PSID_1', name: 'Ana Lopez' });
      });

      it("filters exactly as core's predicate does", async () => {
        const queries: ConversationListQuery[] = [
          { status: 'open' },
          { status: 'resolved' },
          { channelId: 'PAGE_1' },
          { platform: 'instagram' },
          { source: 'comment' },
          { assigneeId: 'agent-1' },
          { assigneeId: null },
          { unread: true },
          { search: 'order' },
          { search: 'CHEN' },
          { search: 'cleo.sh' },
          { search: '  ana  ' },
          { search: 'nobody at all' },
          { status: 'open', channelId: 'PAGE_1', search: 'bo' },
        ];
        for (const query of queries) expect(await ids(query), JSON.stringify(query)).toEqual(expected(query));
      });

      it('pages with cursors: every conversation once, in order, then a null cursor', async () => {
        const seen: string[] = [];
        let cursor: string | undefined;
        for (let n = 0; n < 10; n++) {
          const page = await transport.listConversations({ limit: 2, ...(cursor ? { cursor } : {}) });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(...page.items.map((c) => c.id));
          if (page.nextCursor === null) break;
          cursor = page.nextCursor;
        }
        expect(seen).toEqual(expected({}));
      });

      it('pages a filtered list with the filter kept', async () => {
        const first = await transport.listConversations({ channelId: 'PAGE_1', limit: 1 });
        const rest = await transport.listConversations({
          channelId: 'PAGE_1',
          limit: 100,
          cursor: first.nextCursor as string,
        });
        expect([...first.items, ...rest.items].map((c) => c.id)).toEqual(expected({ channelId: 'PAGE_1' }));
      });
    });

    describe('conversations and messages', () => {
      it('reads one conversation, and refuses an unknown one with a typed not_found', async () => {
        expect(await transport.getConversation('conv_c')).toMatchObject({
          id: 'conv_c',
          platform: 'instagram',
          customer: { username: 'cleo.shop' },
        });
        expect((await failure(transport.getConversation('conv_nope'))).code).toBe('not_found');
      });

      it('lists messages newest first and pages back with `before`', async () => {
        const first = await transport.listMessages('conv_a', { limit: 2 });
        expect(first.items.map((m) => m.id)).toEqual(['msg_a5', 'msg_a4']);
        const seen = [...first.items];
        let before = first.nextCursor;
        while (before !== null) {
          const page = await transport.listMessages('conv_a', { limit: 2, before });
          seen.push(...page.items);
          before = page.nextCursor;
        }
        expect(seen.map((m) => m.id)).toEqual(['msg_a5', 'msg_a4', 'msg_a3', 'msg_a2', 'msg_a1']);
        expect(seen[0]).toMatchObject({ direction: 'inbound', text: 'Where is my ORDER?' });
      });

      it('refuses the messages of an unknown conversation with not_found', async () => {
        expect((await failure(transport.listMessages('conv_nope'))).code).toBe('not_found');
      });

      it('resolves, reopens, assigns and marks read', async () => {
        const resolved = await transport.updateConversation('conv_a', { status: 'resolved' });
        expect(resolved).toMatchObject({ id: 'conv_a', status: 'resolved' });
        expect(resolved.resolvedAt).toEqual(expect.any(Number));
        expect(await ids({ status: 'resolved' })).toContain('conv_a');
        const reopened = await transport.updateConversation('conv_a', { status: 'open' });
        expect(reopened).toMatchObject({ status: 'open', resolvedAt: null });
        expect(await transport.updateConversation('conv_a', { assigneeId: 'agent-2' })).toMatchObject({
          assigneeId: 'agent-2',
        });
        expect(await ids({ assigneeId: 'agent-2' })).toEqual(['conv_a']);
        expect(await transport.updateConversation('conv_a', { read: true })).toMatchObject({
          unreadCount: 0,
        });
        expect(await ids({ unread: true })).not.toContain('conv_a');
      });
    });

    describe('sendMessage', () => {
      it('sends a reply in an open window: sent, the composer id kept, the preview and order updated', async () => {
        const sent = await transport.sendMessage('conv_c', { text: 'We do, worldwide.', clientId: 'pd_1' });
        expect(sent).toHaveLength(1);
        expect(sent[0]).toMatchObject({
          id: 'pd_1',
          conversationId: 'conv_c',
          direction: 'outbound',
          text: 'We do, worldwide.',
          delivery: 'sent',
          messagingType: 'RESPONSE',
        });
        expect((await transport.listMessages('conv_c')).items[0]?.id).toBe('pd_1');
        const conversation = await transport.getConversation('conv_c');
        expect(conversation.preview).toBe(messagePreview(sent[0]!));
        expect((await ids({}))[0]).toBe('conv_c');
      });

      it('never sends twice for one composer id', async () => {
        const [first] = await transport.sendMessage('conv_a', { text: 'On its way', clientId: 'pd_twice' });
        const [again] = await transport.sendMessage('conv_a', { text: 'On its way', clientId: 'pd_twice' });
        expect(again?.id).toBe(first?.id);
        const mine = (await transport.listMessages('conv_a')).items.filter((m) => m.id === 'pd_twice');
        expect(mine).toHaveLength(1);
      });

      it('refuses a closed window with window_closed and stores nothing', async () => {
        const error = await failure(transport.sendMessage('conv_closed', { text: 'Hello?' }));
        expect(error.code).toBe('window_closed');
        expect((await transport.listMessages('conv_closed')).items).toEqual([]);
      });

      it('refuses a channel that may not send with channel_unavailable', async () => {
        const error = await failure(transport.sendMessage('conv_off', { text: 'Hi' }));
        expect(error.code).toBe('channel_unavailable');
      });

      it('refuses an empty reply and a text over the limit; splits it when asked', async () => {
        expect(await failure(transport.sendMessage('conv_a', { text: '   ' }))).toMatchObject({
          code: 'rule_violation',
          rule: 'empty_reply',
        });
        const long = `${'word '.repeat(500)}end`;
        expect(await failure(transport.sendMessage('conv_a', { text: long }))).toMatchObject({
          code: 'rule_violation',
          rule: 'text_too_long',
        });
        const parts = await transport.sendMessage('conv_a', { text: long, split: true });
        expect(parts.length).toBeGreaterThan(1);
        expect(
          parts
            .map((m) => m.text)
            .join('')
            .replace(/\s/g, ''),
        ).toBe(long.replace(/\s/g, ''));
      });

      it('refuses a public reply outside a comment thread with invalid_input', async () => {
        const error = await failure(transport.sendMessage('conv_a', { text: 'Hi', publicReply: true }));
        expect(error.code).toBe('invalid_input');
      });

      it('quotes a message of the conversation and refuses one it does not hold', async () => {
        const [reply] = await transport.sendMessage('conv_a', {
          text: 'Checking',
          replyToMessageId: 'msg_a5',
        });
        expect(reply?.replyTo).toMatchObject({ messageId: 'msg_a5', mid: 'mid.a5' });
        const error = await failure(
          transport.sendMessage('conv_a', { text: 'x', replyToMessageId: 'msg_nope' }),
        );
        expect(error.code).toBe('not_found');
      });
    });
  });
}
