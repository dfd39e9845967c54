import { createRoot } from 'react-dom/client';
import '../../src/styles.css';
import { useState } from 'react';
import { Inbox, PagedeskProvider, useNotifications } from '../../src/index.js';
import { createFakeTransport, type FakeTransport } from '../../src/testing.js';

// The agent's toolkit in a real browser: notifications (permission from a click, the title count) and
// the inbox with its customer panel. `?when=background` keeps the hook's default.
const params = new URLSearchParams(window.location.search);
const NOW = Date.UTC(2026, 2, 2, 12);
const transport = createFakeTransport({ now: () => NOW, conversations: 12, messagesPerConversation: 8 });
for (const conversation of transport.data.conversations) conversation.unreadCount = 0;
(window as unknown as { pd: FakeTransport }).pd = transport;

function Notifications({ onOpen }: { onOpen: (id: string) => void }) {
  const when = params.get('when') === 'background' ? 'background' : 'always';
  const notifications = useNotifications({ when, onClick: onOpen });
  return (
    <p>
      <output data-testid="permission">{notifications.permission}</output>
      {notifications.permission === 'default' ? (
        <button type="button" onClick={() => void notifications.requestPermission()}>
          Enable notifications
        </button>
      ) : null}
    </p>
  );
}

function App() {
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <PagedeskProvider transport={transport} now={() => NOW} agentId="agent-1">
      <Notifications onOpen={setSelected} />
      <main style={{ flex: 1, display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <Inbox selectedId={selected} onSelect={setSelected} />
      </main>
    </PagedeskProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<App />);
