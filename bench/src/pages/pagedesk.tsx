import { ConversationList, MessageList, PagedeskProvider } from '@pagedesk/react';
import { createFakeTransport } from '@pagedesk/react/testing';
import { createRoot } from 'react-dom/client';
import '../../../packages/react/src/styles.css';
import { domNodes, frame, hasText, params, report, scroller, scrollFrames, timeUntil } from './measure.js';

// Pagedesk's styled components on createFakeTransport() data, in a fixed-size box like a helpdesk pane.

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

async function main(): Promise<void> {
  const p = params();
  const el = document.getElementById('root') as HTMLElement;
  const root = createRoot(el);
  if (p.scenario === 'list') {
    const transport = createFakeTransport({
      seed: 1,
      conversations: p.conversations,
      messagesPerConversation: 1,
      now: () => NOW,
    });
    const firstRenderMs = await timeUntil(
      () =>
        root.render(
          <PagedeskProvider transport={transport} now={() => NOW}>
            <ConversationList />
          </PagedeskProvider>,
        ),
      () => document.querySelectorAll('.pd-conv-name').length > 0,
    );
    const nodes = domNodes();
    const frames = await scrollFrames(scroller(), p.frames, 150);
    report({ firstRenderMs, domNodes: nodes, newMessageMs: null, frames });
    return;
  }
  const transport = createFakeTransport({
    seed: 1,
    conversations: 1,
    messagesPerConversation: p.messages,
    now: () => NOW,
  });
  const id = transport.data.conversations[0]?.id as string;
  const firstRenderMs = await timeUntil(
    () =>
      root.render(
        <PagedeskProvider transport={transport} now={() => NOW}>
          <MessageList conversationId={id} />
        </PagedeskProvider>,
      ),
    () => document.querySelectorAll('.pd-row').length > 0,
  );
  const nodes = domNodes();
  await frame();
  const marker = `bench-new-message-${Math.random().toString(36).slice(2)}`;
  const newMessageMs = await timeUntil(
    () => transport.receive(id, { text: marker }),
    () => hasText(marker),
  );
  const frames = await scrollFrames(scroller(), p.frames, -150);
  report({ firstRenderMs, domNodes: nodes, newMessageMs, frames });
}

main().catch((error: unknown) => report({ error: error instanceof Error ? error.message : String(error) }));
