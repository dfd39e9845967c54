import './helpers.js';
import type { InboxTransport, ReplyTemplate } from '@pagedesk/core';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import { PagedeskProvider } from '../PagedeskProvider.js';
import { pagedeskKeys } from '../queryKeys.js';
import { useCustomer, useUpdateCustomer } from '../useCustomer.js';
import { useMessages } from '../useMessages.js';
import { useModerateComment } from '../useModerateComment.js';
import { templateMatches, useSaveTemplate, useSendTemplate, useTemplates } from '../useTemplates.js';
import { NOW, testClient } from './helpers.js';

const template = (overrides: Partial<ReplyTemplate>): ReplyTemplate => ({
  id: 'tpl_x',
  name: 'Greeting',
  parts: [{ text: 'Hi {{customer.firstName|there}}!' }],
  channelIds: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...overrides,
});

const seeded = [
  template({
    id: 'tpl_a',
    name: 'Refund steps',
    parts: [{ text: 'Here is how refunds work.' }, { text: 'Anything else?' }],
  }),
  template({ id: 'tpl_b', name: 'greeting' }),
  template({ id: 'tpl_c', name: 'Instagram only', channelIds: ['ig-1'] }),
];

function setup(
  transport: InboxTransport = createFakeTransport({ now: () => NOW, conversations: 10, templates: seeded }),
) {
  const queryClient = testClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <PagedeskProvider transport={transport} queryClient={queryClient} now={() => NOW}>
      {children}
    </PagedeskProvider>
  );
  return { transport, queryClient, wrapper };
}

describe('useTemplates', () => {
  it('lists templates by name, per channel, and filters by search without refetching', async () => {
    const { wrapper, transport } = setup();
    const { result, rerender } = renderHook(
      (props: { search?: string }) => useTemplates({ channelId: 'page-1', ...props }),
      {
        wrapper,
        initialProps: {},
      },
    );
    await waitFor(() => expect(result.current.data?.map((t) => t.id)).toEqual(['tpl_b', 'tpl_a']));
    rerender({ search: 'REFUND work' });
    expect(result.current.data?.map((t) => t.id)).toEqual(['tpl_a']);
    rerender({ search: 'else' });
    expect(result.current.data?.map((t) => t.id)).toEqual(['tpl_a']);
    const fake = transport as ReturnType<typeof createFakeTransport>;
    expect(fake.calls.filter((c) => c.method === 'listTemplates')).toHaveLength(1);
  });

  it('shows a typed error (not a crash) on a transport without templates', async () => {
    const bare = createFakeTransport({ now: () => NOW, conversations: 2 });
    const { listTemplates: _dropped, ...withoutTemplates } = bare;
    const { wrapper } = setup({ ...withoutTemplates, subscribe: bare.subscribe } as InboxTransport);
    const { result } = renderHook(() => useTemplates(), { wrapper });
    await waitFor(() => expect(result.current.error?.code).toBe('not_implemented'));
    expect(result.current.error?.message).toContain('listTemplates()');
  });

  it('matches every word of a search in the name or the text', () => {
    expect(templateMatches(seeded[0] as ReplyTemplate, 'steps anything')).toBe(true);
    expect(templateMatches(seeded[0] as ReplyTemplate, 'steps nothing')).toBe(false);
    expect(templateMatches(seeded[0] as ReplyTemplate, '  ')).toBe(true);
  });
});

describe('useSaveTemplate and useSendTemplate', () => {
  it('saves a template (refetching lists) and refuses one over a channel limit, naming the part', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(() => ({ list: useTemplates(), save: useSaveTemplate() }), { wrapper });
    await waitFor(() => expect(result.current.list.data).toHaveLength(3));
    await act(() =>
      result.current.save.mutateAsync({
        input: { name: 'Apology', parts: [{ text: 'Sorry!' }], channelIds: null },
      }),
    );
    await waitFor(() => expect(result.current.list.data?.map((t) => t.name)[0]).toBe('Apology'));
    await act(async () => {
      await result.current.save
        .mutateAsync({
          input: { name: 'Long', parts: [{ text: 'x' }, { text: 'y'.repeat(1500) }], channelIds: null },
        })
        .catch(() => {});
    });
    await waitFor(() => expect(result.current.save.error?.message).toMatch(/^Part 2 on acme\.shop/));
  });

  it('sends the parts in order and adds each message to the conversation', async () => {
    const { wrapper } = setup();
    const { result } = renderHook(
      () => ({ messages: useMessages('conv-1'), send: useSendTemplate('conv-1') }),
      {
        wrapper,
      },
    );
    await waitFor(() => expect(result.current.messages.messages.length).toBeGreaterThan(0));
    let sent: string[] = [];
    await act(async () => {
      sent = (await result.current.send.mutateAsync('tpl_a')).map((m) => m.text ?? '');
    });
    expect(sent).toEqual(['Here is how refunds work.', 'Anything else?']);
    const texts = result.current.messages.messages.map((m) => m.text);
    expect(texts.slice(-2)).toEqual(['Here is how refunds work.', 'Anything else?']);
  });
});

describe('useCustomer', () => {
  it('reads a customer, saves details, and follows live changes made elsewhere', async () => {
    const { wrapper, queryClient, transport } = setup();
    const fake = transport as ReturnType<typeof createFakeTransport>;
    const customerId = fake.data.conversations[0]!.customer.id;
    const { result } = renderHook(
      () => ({ customer: useCustomer(customerId), update: useUpdateCustomer(customerId) }),
      {
        wrapper,
      },
    );
    await waitFor(() => expect(result.current.customer.data?.id).toBe(customerId));
    await act(() => result.current.update.mutateAsync({ email: 'lola@example.com', notes: 'VIP' }));
    await waitFor(() =>
      expect(result.current.customer.data?.details).toMatchObject({
        email: 'lola@example.com',
        notes: 'VIP',
      }),
    );
    // Another agent's edit arrives as a live event.
    await act(async () => {
      await fake.updateCustomer!(customerId, { notes: null, name: 'Lola' });
    });
    await waitFor(() => expect(result.current.customer.data?.details?.name).toBe('Lola'));
    expect(result.current.customer.data?.details).not.toHaveProperty('notes');
    expect(queryClient.getQueryData(pagedeskKeys.customer(customerId))).toEqual(result.current.customer.data);
  });

  it('names a bad field', async () => {
    const { wrapper, transport } = setup();
    const customerId = (transport as ReturnType<typeof createFakeTransport>).data.conversations[0]!.customer
      .id;
    const { result } = renderHook(() => useUpdateCustomer(customerId), { wrapper });
    await act(async () => {
      await result.current.mutateAsync({ email: 'nope' }).catch(() => {});
    });
    await waitFor(() => expect(result.current.error?.message).toContain('email'));
  });
});

describe('useModerateComment', () => {
  it('hides a comment, updates the cached message, and refuses a direct message', async () => {
    const { wrapper, transport } = setup();
    const fake = transport as ReturnType<typeof createFakeTransport>;
    const comments = fake.data.conversations.find(
      (c) => c.source === 'comment' && c.platform === 'messenger',
    )!;
    const direct = fake.data.conversations.find((c) => c.source === 'message')!;
    const { result } = renderHook(
      () => ({ messages: useMessages(comments.id), moderate: useModerateComment() }),
      { wrapper },
    );
    await waitFor(() => expect(result.current.messages.messages.length).toBeGreaterThan(0));
    const target = result.current.messages.messages.find((m) => m.direction === 'inbound')!;
    await act(() => result.current.moderate.mutateAsync({ messageId: target.id, action: 'hide' }));
    // The list re-renders from the cache once the mutation settled: on a loaded machine, a tick later.
    await waitFor(() =>
      expect(result.current.messages.messages.find((m) => m.id === target.id)?.moderation).toMatchObject({
        hidden: true,
        actions: [{ action: 'hide' }],
      }),
    );
    const dm = fake.data.messages(direct.id)[0]!;
    await act(async () => {
      await result.current.moderate.mutateAsync({ messageId: dm.id, action: 'hide' }).catch(() => {});
    });
    await waitFor(() => expect(result.current.moderate.error).toMatchObject({ rule: 'not_a_comment' }));
  });
});
