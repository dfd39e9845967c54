import type { ConversationWithCustomer } from '@pagedesk/core';
import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Component, type ReactNode, useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createFakeTransport } from '../fakeTransport.js';
import * as main from '../index.js';
import { lazyPart } from '../lazyPart.js';
import * as toolkit from '../toolkit.js';
import { NOW, renderWith } from './helpers.js';

describe('lazy panels of the main entry', () => {
  it('renders the real channel settings and customer panel once their code loaded', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 2 });
    const { customerId } = transport.data.conversations[0] as ConversationWithCustomer;
    const { container } = renderWith(
      transport,
      <>
        <main.ChannelSettings className="host-settings" />
        <main.CustomerPanel customerId={customerId} className="host-panel">
          {() => <p>From the host's CRM</p>}
        </main.CustomerPanel>
      </>,
    );
    // The same props reach the real components: the host's class names and its slot content.
    expect(await screen.findByRole('heading', { name: 'Acme Support' })).toBeTruthy();
    expect(await screen.findByText("From the host's CRM")).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Details' })).toBeTruthy();
    expect(container.querySelector('.pd-channel-settings.host-settings')).not.toBeNull();
    expect(container.querySelector('.pd-customer-panel.host-panel')).not.toBeNull();
  });

  it('keeps every panel name of the main entry, and the toolkit entry exports the same components', () => {
    const pairs = [
      [main.ChannelSettings, toolkit.ChannelSettings],
      [main.CommentModeration, toolkit.CommentModeration],
      [main.CustomerPanel, toolkit.CustomerPanel],
      [main.Lightbox, toolkit.Lightbox],
      [main.ThreadOwner, toolkit.ThreadOwner],
    ];
    for (const [wrapper, component] of pairs) {
      expect(typeof wrapper).toBe('function');
      expect(typeof component).toBe('function');
      // The main entry's is the wrapper, the toolkit's the component it loads.
      expect(wrapper).not.toBe(component);
    }
  });

  it('renders nothing and loads nothing for a thread no other app shares', async () => {
    const transport = createFakeTransport({ now: () => NOW, conversations: 1 });
    const conversation = transport.data.conversations[0] as ConversationWithCustomer;
    const { container } = renderWith(
      transport,
      <main.ThreadOwner conversation={{ ...conversation, threadOwner: undefined }} />,
    );
    expect(container.querySelector('.pd-thread-owner')).toBeNull();
  });
});

/** Shows its children once "Show" is clicked (nothing of them renders before). */
function ShowOnClick({ children }: { children: ReactNode }): ReactNode {
  const [shown, setShown] = useState(false);
  return shown ? (
    children
  ) : (
    <button type="button" onClick={() => setShown(true)}>
      Show
    </button>
  );
}

function Greeting(props: { name: string }): ReactNode {
  return <p>Hello {props.name}</p>;
}

class Boundary extends Component<{ children: ReactNode }, { error: unknown }> {
  override state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render() {
    if (!this.state.error) return this.props.children;
    return (
      <button type="button" onClick={() => this.setState({ error: null })}>
        Retry
      </button>
    );
  }
}

describe('lazyPart', () => {
  it('shows the fallback while loading, then the part; a failed load reaches the error boundary and a later render loads again', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    let failFirst: (error: Error) => void = () => undefined;
    const load = vi
      .fn<() => Promise<typeof Greeting>>()
      .mockImplementationOnce(
        () =>
          new Promise((_, reject) => {
            failFirst = reject;
          }),
      )
      .mockResolvedValue(Greeting);
    const Part = lazyPart('Greeting', load, (props) => <p>Loading {props.name}</p>);
    render(
      <ShowOnClick>
        <Boundary>
          <Part name="Ada" />
        </Boundary>
      </ShowOnClick>,
    );
    expect(load).not.toHaveBeenCalled();
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Show' }));
    expect(screen.getByText('Loading Ada')).toBeTruthy();
    await act(async () => failFirst(new Error('chunk failed to load')));
    await user.click(await screen.findByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Hello Ada')).toBeTruthy();
    expect(load).toHaveBeenCalledTimes(2);
    // Loaded once, a part renders at once and preload does not load again.
    Part.preload();
    expect(load).toHaveBeenCalledTimes(2);
    expect(consoleError).toHaveBeenCalled();
  });
});
