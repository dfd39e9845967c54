import { ConversationList, MessageList, PagedeskProvider } from '@pagedesk/react';
import { createFakeTransport } from '@pagedesk/react/testing';
import { createRoot } from 'react-dom/client';
import '../../../packages/react/src/styles/index.css';
import {
  domNodes,
  frame,
  hasText,
  longMessage,
  params,
  report,
  scroller,
  scrollFrames,
  timeUntil,
} from './measure.js';

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
  if (p.scenario === 'long') {
    await openLongMessage(root);
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

/** Opens a conversation whose newest message is `text`; resolves with the ms until `marker` is shown. */
async function openWith(root: ReturnType<typeof createRoot>, text: string, marker: string): Promise<number> {
  const transport = createFakeTransport({
    seed: 1,
    conversations: 1,
    messagesPerConversation: 3,
    now: () => NOW,
  });
  const id = transport.data.conversations[0]?.id as string;
  transport.receive(id, { text });
  return timeUntil(
    () =>
      root.render(
        <PagedeskProvider transport={transport} now={() => NOW}>
          <MessageList conversationId={id} />
        </PagedeskProvider>,
      ),
    () => hasText(marker),
  );
}

/**
 * Opening a conversation whose newest message is 20,000 characters long, beside opening the same
 * conversation with a 200-character message in the same page (the baseline: what the length adds), and
 * the browser's own cost of laying out the long text as one plain paragraph.
 */
async function openLongMessage(root: ReturnType<typeof createRoot>): Promise<void> {
  const length = Number(new URLSearchParams(location.search).get('length') ?? 20_000);
  const marker = () => `bench-long-${Math.random().toString(36).slice(2)}`;
  const open = async (size: number) => {
    const mark = marker();
    const text = `${mark} ${longMessage(size)}`.slice(0, size);
    const ms = await openWith(root, text, mark);
    return { ms, text };
  };
  const close = async () => {
    root.render(null);
    await frame();
  };
  // The first mount pays for compiling the kit: a warm-up, then short and long alternately (medians).
  await open(200);
  await close();
  const shortMs: number[] = [];
  const longMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    shortMs.push((await open(200)).ms);
    await close();
    longMs.push((await open(length)).ms);
    await close();
  }
  const { text } = await open(length);
  const tail = text.slice(-40).trim();
  const nodes = domNodes();
  // The rest of the text, on demand.
  const more = document.querySelector<HTMLButtonElement>('.pd-text-more');
  const expandMs = more
    ? await timeUntil(
        () => more.click(),
        () => hasText(tail),
      )
    : null;
  await close();
  const plainTextMs = await timeUntil(
    () =>
      root.render(
        <div className="pd-root" style={{ overflow: 'auto', height: 800 }}>
          <p className="pd-message-text" dir="auto" style={{ maxWidth: 560, overflowWrap: 'anywhere' }}>
            {text}
          </p>
        </div>,
      ),
    () => hasText(tail),
  );
  report({
    firstRenderMs: median(longMs),
    baselineMs: median(shortMs),
    plainTextMs,
    expandMs,
    domNodes: nodes,
    newMessageMs: null,
    frames: await scrollFrames(scroller(), 20, -150),
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

main().catch((error: unknown) => report({ error: error instanceof Error ? error.message : String(error) }));
