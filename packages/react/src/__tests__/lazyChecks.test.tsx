import { testEntities } from '@pagedesk/core/testing';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer } from '../Composer.js';
import { createFakeTransport } from '../fakeTransport.js';
import { MessageList } from '../MessageList.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

// The kit's checks arrive after the page (a slow network): the first import of browserChecks.ts fails,
// the next waits for `gate`. What needs them waits for them; nothing is sent twice or shown unchecked.
stubLayout(5000, 40);
const state = vi.hoisted(() => {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { imports: 0, gate, release };
});
vi.mock('../browserChecks.js', async (importOriginal) => {
  state.imports += 1;
  if (state.imports === 1) throw new Error('Failed to fetch dynamically imported module');
  await state.gate;
  return importOriginal();
});

describe('before the kit’s checks load', () => {
  it('keeps Send off, sends once when they arrive, and shows a stored failed reply then', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 8 });
    const kept = testEntities.message({
      id: 'pd_kept',
      conversationId: 'conv-2',
      direction: 'outbound',
      delivery: 'failed',
      text: 'Kept reply text',
      createdAt: NOW - 1000,
      updatedAt: NOW - 1000,
    });
    localStorage.setItem(
      'pagedesk:failed:agent-1:conv-2',
      JSON.stringify([{ message: kept, draft: { text: 'Kept reply text', clientId: 'pd_kept' } }]),
    );
    renderWith(
      transport,
      <>
        <MessageList conversationId="conv-2" />
        <Composer conversationId="conv-2" />
      </>,
      { agentId: 'agent-1' },
    );
    const user = userEvent.setup();
    const box = (await screen.findByRole('textbox', { name: 'Reply' })) as HTMLTextAreaElement;
    await waitFor(() => expect(box.disabled).toBe(false));
    await user.type(box, 'Hello there');
    await user.keyboard('{Enter}');
    await user.keyboard('{Enter}');
    expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', true);
    expect(transport.calls.filter((c) => c.method === 'sendMessage')).toEqual([]);
    expect(box.value).toBe('Hello there');
    expect(screen.queryByText('Kept reply text')).toBeNull();

    // The first load failed; the hook tries again after a second, and that load waits for the gate.
    await waitFor(() => expect(state.imports).toBe(2), { timeout: 3000 });
    await act(async () => state.release());
    await screen.findByText('Kept reply text');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Send' })).toHaveProperty('disabled', false),
    );
    await user.keyboard('{Enter}');
    await waitFor(() => expect(transport.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1));
    expect(box.value).toBe('');
  });
});
