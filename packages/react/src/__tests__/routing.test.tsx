import type { ConversationWithCustomer, Message } from '@pagedesk/core';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeTransport, type FakeTransport } from '../fakeTransport.js';
import { ConversationView } from '../Inbox.js';
import { threadHolder } from '../threadHolder.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

const BOT = '777000111';

function withOwner(
  transport: FakeTransport,
  predicate: (c: ConversationWithCustomer) => boolean,
  appId: string,
) {
  const index = transport.data.conversations.findIndex(predicate);
  const conversation = transport.data.conversations[index]!;
  const next = { ...conversation, threadOwner: { appId, since: NOW - 60_000 } };
  transport.data.conversations[index] = next;
  return next;
}

describe('thread owner in the header', () => {
  it('says a bot holds the thread, takes it, and passes it back to that bot', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
    const conversation = withOwner(
      transport,
      (c) => c.platform === 'messenger' && c.source === 'message',
      BOT,
    );
    renderWith(transport, <ConversationView conversationId={conversation.id} autoFocus={false} />, {
      messages: { routing: { bot: (id: string) => (id === BOT ? 'Acme Bot' : id) } },
    });
    const header = await screen.findByRole('banner');
    await waitFor(() => expect(within(header).getByText('Acme Bot holds this conversation')).toBeTruthy());
    const user = userEvent.setup();
    await user.click(within(header).getByRole('button', { name: 'Request' }));
    await user.click(within(header).getByRole('button', { name: 'Take over' }));
    await waitFor(() => expect(within(header).getByText('This inbox')).toBeTruthy());
    await user.click(within(header).getByRole('button', { name: 'Pass back' }));
    await waitFor(() => expect(within(header).getByText('Acme Bot holds this conversation')).toBeTruthy());
    expect(transport.calls.filter((c) => c.method === 'threadControl').map((c) => c.args.slice(1))).toEqual([
      ['request', {}],
      ['take', {}],
      ['pass', { targetAppId: BOT }],
    ]);
  });

  it("shows Meta's Page Inbox as owner, offers no handover on Instagram, and nothing without an owner", async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
    const instagram = withOwner(
      transport,
      (c) => c.platform === 'instagram' && c.source === 'message',
      '263902037430900',
    );
    const { unmount } = renderWith(
      transport,
      <ConversationView conversationId={instagram.id} autoFocus={false} />,
    );
    const header = await screen.findByRole('banner');
    await waitFor(() =>
      expect(within(header).getByText("Meta's Page Inbox holds this conversation")).toBeTruthy(),
    );
    expect(within(header).queryByRole('button', { name: 'Take over' })).toBeNull();
    unmount();
    const plain = transport.data.conversations.find((c) => !c.threadOwner && c.source === 'message')!;
    renderWith(transport, <ConversationView conversationId={plain.id} autoFocus={false} />);
    await screen.findByRole('heading', { level: 2 });
    expect(screen.queryByText('Take over')).toBeNull();
    expect(threadHolder({ threadOwner: { appId: null, since: 0 } }, { appId: 'app-1' })).toBe('idle');
    expect(threadHolder({ threadOwner: { appId: 'app-1', since: 0 } }, { appId: 'app-1' })).toBe('us');
  });
});

describe('standby and comment moderation in the thread', () => {
  it('marks a standby message as such', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
    const conversation = transport.data.conversations.find((c) => c.source === 'message')!;
    renderWith(transport, <ConversationView conversationId={conversation.id} autoFocus={false} />);
    await screen.findAllByText(/./, { selector: '.pd-message-text' });
    const message = transport.receive(conversation.id, { text: 'Bot, where is my parcel?' });
    act(() => transport.emit({ type: 'message:updated', message: { ...message, standby: true } }));
    const bubble = (await screen.findByText('Bot, where is my parcel?')).closest(
      '.pd-message',
    ) as HTMLElement;
    await waitFor(() => expect(bubble.getAttribute('data-standby')).toBe('true'));
    expect(within(bubble).getByText('Standby')).toBeTruthy();
  });

  it('hides, likes and deletes a comment with confirmation, and says who hid it', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 10 });
    const conversation = transport.data.conversations.find(
      (c) => c.source === 'comment' && c.platform === 'messenger',
    )!;
    renderWith(transport, <ConversationView conversationId={conversation.id} autoFocus={false} />, {
      agentId: 'agent-1',
    });
    await screen.findAllByText(/./, { selector: '.pd-message-text' });
    const comment = transport.receive(conversation.id, { text: 'Is this jacket waterproof?' });
    const bubble = (await screen.findByText(comment.text!)).closest('.pd-message') as HTMLElement;
    const actions = within(bubble).getByRole('group', { name: 'Moderate comment' });
    const user = userEvent.setup();
    await user.click(within(actions).getByRole('button', { name: 'Hide' }));
    await waitFor(() => expect(within(bubble).getByText('Hidden')).toBeTruthy());
    await user.click(within(actions).getByRole('button', { name: 'Like' }));
    await waitFor(() => expect(within(bubble).getByText('Liked')).toBeTruthy());
    // Another agent's action, live, names them.
    const hiddenByKim: Message = {
      ...transport.data.messages(conversation.id).find((m) => m.id === comment.id)!,
      moderation: {
        hidden: true,
        deleted: false,
        liked: true,
        actions: [{ action: 'hide', at: NOW, agentId: 'agent-2' }],
      },
    };
    act(() => transport.emit({ type: 'message:updated', message: hiddenByKim }));
    await waitFor(() => expect(within(bubble).getByText('Hidden by Kim Lee')).toBeTruthy());
    await user.click(within(actions).getByRole('button', { name: 'Delete' }));
    expect(within(actions).getByText(/cannot be undone/)).toBeTruthy();
    await user.click(within(actions).getByRole('button', { name: 'Delete' }));
    await waitFor(() => expect(within(bubble).getByText('Deleted')).toBeTruthy());
    expect(within(bubble).queryByRole('group', { name: 'Moderate comment' })).toBeNull();
    expect(transport.calls.filter((c) => c.method === 'moderateComment').map((c) => c.args[1])).toEqual([
      'hide',
      'like',
      'delete',
    ]);
  });

  it('offers no like on Instagram comments and no moderation on direct messages', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 40 });
    const instagram = transport.data.conversations.find(
      (c) => c.source === 'comment' && c.platform === 'instagram',
    )!;
    const { unmount } = renderWith(
      transport,
      <ConversationView conversationId={instagram.id} autoFocus={false} />,
    );
    await screen.findAllByText(/./, { selector: '.pd-message-text' });
    const comment = transport.receive(instagram.id, { text: 'Love this colour' });
    const bubble = (await screen.findByText(comment.text!)).closest('.pd-message') as HTMLElement;
    const actions = within(bubble).getByRole('group', { name: 'Moderate comment' });
    await waitFor(() => expect(within(actions).queryByRole('button', { name: 'Like' })).toBeNull());
    expect(within(actions).getByRole('button', { name: 'Hide' })).toBeTruthy();
    unmount();
    const direct = transport.data.conversations.find((c) => c.source === 'message')!;
    renderWith(transport, <ConversationView conversationId={direct.id} autoFocus={false} />);
    await screen.findAllByText(/./, { selector: '.pd-message-text' });
    expect(screen.queryByRole('group', { name: 'Moderate comment' })).toBeNull();
  });
});
