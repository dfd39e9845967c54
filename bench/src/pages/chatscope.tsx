import '@chatscope/chat-ui-kit-styles/dist/default/styles.min.css';
import {
  Avatar,
  ChatContainer,
  Conversation,
  ConversationList,
  MainContainer,
  Message,
  MessageList,
} from '@chatscope/chat-ui-kit-react';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { domNodes, frame, hasText, params, report, scroller, scrollFrames, timeUntil } from './measure.js';

// @chatscope/chat-ui-kit-react rendering the same amount of data the way its docs show (it renders every
// item: no virtualisation), with texts of the same lengths as createFakeTransport()'s.

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);
const NAMES = [
  'Ada Lovelace',
  'Grace Hopper',
  'Alan Turing',
  'Katherine Johnson',
  'Linus Torvalds',
  'Margaret Hamilton',
];
const TEXTS = [
  'Hi! Where is my order? It was supposed to arrive yesterday.',
  'Thanks, that solved it.',
  'Can I change the delivery address to my office instead?',
  'The package arrived damaged, what should I do now? I attached a photo.',
  'ok',
];

interface Item {
  id: string;
  name: string;
  preview: string;
  at: number;
  unread: number;
}

function conversations(n: number): Item[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `c${i}`,
    name: `${NAMES[i % NAMES.length]} ${i}`,
    preview: TEXTS[i % TEXTS.length] as string,
    at: NOW - i * 60_000,
    unread: i % 7 === 0 ? 2 : 0,
  }));
}

interface Msg {
  id: string;
  text: string;
  inbound: boolean;
  at: number;
}

function messages(n: number): Msg[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `m${i}`,
    text: TEXTS[i % TEXTS.length] as string,
    inbound: i % 3 !== 0,
    at: NOW - (n - i) * 60_000,
  }));
}

function List({ items }: { items: Item[] }) {
  return (
    <div style={{ height: '100%' }}>
      <ConversationList>
        {items.map((c) => (
          <Conversation
            key={c.id}
            name={c.name}
            info={c.preview}
            lastActivityTime={new Date(c.at).toLocaleTimeString()}
            unreadCnt={c.unread}
          >
            <Avatar name={c.name} src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" />
          </Conversation>
        ))}
      </ConversationList>
    </div>
  );
}

let push: (m: Msg) => void = () => {};

function Thread({ initial }: { initial: Msg[] }) {
  const [list, setList] = useState(initial);
  push = (m) => setList((old) => [...old, m]);
  return (
    <MainContainer>
      <ChatContainer>
        <MessageList>
          {list.map((m) => (
            <Message
              key={m.id}
              model={{
                message: m.text,
                sentTime: new Date(m.at).toISOString(),
                sender: m.inbound ? 'Customer' : 'Agent',
                direction: m.inbound ? 'incoming' : 'outgoing',
                position: 'single',
              }}
            />
          ))}
        </MessageList>
      </ChatContainer>
    </MainContainer>
  );
}

async function main(): Promise<void> {
  const p = params();
  const root = createRoot(document.getElementById('root') as HTMLElement);
  if (p.scenario === 'list') {
    const items = conversations(p.conversations);
    const firstRenderMs = await timeUntil(
      () => root.render(<List items={items} />),
      () => document.querySelectorAll('.cs-conversation').length > 0,
    );
    const nodes = domNodes();
    const frames = await scrollFrames(scroller(), p.frames, 150);
    report({ firstRenderMs, domNodes: nodes, newMessageMs: null, frames });
    return;
  }
  const initial = messages(p.messages);
  const firstRenderMs = await timeUntil(
    () => root.render(<Thread initial={initial} />),
    () => document.querySelectorAll('.cs-message').length > 0,
  );
  const nodes = domNodes();
  await frame();
  const marker = `bench-new-message-${Math.random().toString(36).slice(2)}`;
  const newMessageMs = await timeUntil(
    () => push({ id: 'new', text: marker, inbound: true, at: NOW }),
    () => hasText(marker),
  );
  const frames = await scrollFrames(scroller(), p.frames, -150);
  report({ firstRenderMs, domNodes: nodes, newMessageMs, frames });
}

main().catch((error: unknown) => report({ error: error instanceof Error ? error.message : String(error) }));
