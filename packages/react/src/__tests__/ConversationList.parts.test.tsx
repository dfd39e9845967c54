import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { ConversationList } from '../ConversationList.js';
import { createFakeTransport } from '../fakeTransport.js';
import type { ConversationFilter } from '../queryKeys.js';
import { NOW, renderWith, stubLayout } from './helpers.js';

stubLayout();

/** A host that puts the filter bar in its own header and wraps the default row. */
function HostList(props: { changes: ConversationFilter[]; echoAfterMs?: number }) {
  const [filter, setFilter] = useState<ConversationFilter>({});
  return (
    <div>
      <header className="host-header">
        <button type="button" onClick={() => setFilter({})}>
          Clear filters
        </button>
        <ConversationList.FilterBar
          filter={filter}
          onFilterChange={(next) => {
            props.changes.push(next);
            // A host that keeps the filter in its router hands it back a moment later.
            if (props.echoAfterMs) setTimeout(() => setFilter(next), props.echoAfterMs);
            else setFilter(next);
          }}
        />
      </header>
      <ConversationList
        showFilters={false}
        filter={filter}
        renderItem={(item) => (
          <span className="host-row">
            <ConversationList.Item {...item} />
          </span>
        )}
      />
    </div>
  );
}

describe('ConversationList parts', () => {
  it('place the filter bar outside the list and wrap the default row', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    const changes: ConversationFilter[] = [];
    renderWith(transport, <HostList changes={changes} />);
    const listbox = await screen.findByRole('listbox', { name: 'Conversations' });
    await waitFor(() => expect(within(listbox).getAllByRole('option').length).toBeGreaterThan(9));
    expect(listbox.querySelectorAll('.host-row .pd-conv-name').length).toBeGreaterThan(9);
    const header = document.querySelector('.host-header') as HTMLElement;
    expect(within(listbox.parentElement as HTMLElement).queryByRole('searchbox')).toBeNull();

    const user = userEvent.setup();
    await user.click(within(header).getByRole('radio', { name: 'Instagram' }));
    expect(changes.at(-1)).toEqual({ platform: 'instagram', source: 'message' });
    await waitFor(() =>
      expect(
        within(listbox)
          .getAllByRole('option')
          .every((o) => o.textContent?.includes('Instagram')),
      ).toBe(true),
    );

    const name =
      transport.data.conversations.find((c) => c.platform === 'instagram')?.customer.firstName ?? '';
    await user.type(within(header).getByRole('searchbox', { name: 'Search conversations' }), name);
    // Typing is debounced: one filter change for the whole word.
    await waitFor(() =>
      expect(changes.at(-1)).toEqual({ platform: 'instagram', source: 'message', search: name }),
    );
    expect(changes.filter((c) => c.search !== undefined)).toHaveLength(1);
  });

  it('follow a search the host clears, and never bring it back', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    const changes: ConversationFilter[] = [];
    renderWith(transport, <HostList changes={changes} />);
    const box = (await screen.findByRole('searchbox', { name: 'Search conversations' })) as HTMLInputElement;
    const user = userEvent.setup();
    await user.type(box, 'ana');
    await waitFor(() => expect(changes.at(-1)).toEqual({ search: 'ana' }));
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    // Past the debounce: the box shows the host's filter, and the cleared search stays cleared.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(box.value).toBe('');
    expect(changes.at(-1)).toEqual({ search: 'ana' });
  });

  it('keep what the agent typed since when the host hands the search back late', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 12 });
    const changes: ConversationFilter[] = [];
    renderWith(transport, <HostList changes={changes} echoAfterMs={300} />);
    const box = (await screen.findByRole('searchbox', { name: 'Search conversations' })) as HTMLInputElement;
    const user = userEvent.setup();
    await user.type(box, 'ana');
    await waitFor(() => expect(changes.at(-1)).toEqual({ search: 'ana' }));
    await user.type(box, 'b');
    // The echo of 'ana' lands after the agent typed on: the box keeps 'anab', which is sent in turn.
    await waitFor(() => expect(changes.at(-1)).toEqual({ search: 'anab' }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(box.value).toBe('anab');
  });
});
