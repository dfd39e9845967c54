import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetaMessagingItem, MetaWebhookBody } from '@pagedesk/node-webhook/meta';

// Small shared pieces of the suite: a node:http server on 127.0.0.1:0 and Meta-shaped payloads.

/** A node:http server on a free loopback port; `close()` drops open connections. */
export async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const PAGE_ID = '1000000000001';
export const IG_ID = '17841400000000001';

/** A Messenger text message from `psid`, as Meta posts it. */
export function messengerMessage(
  psid: string,
  mid: string,
  text: string,
  timestamp: number,
): MetaMessagingItem {
  return {
    sender: { id: psid },
    recipient: { id: PAGE_ID },
    timestamp,
    message: { mid, text },
  };
}

/** Valid webhook payloads of several kinds, the seeds that the fuzzer mutates. */
export function seedPayloads(now: number): MetaWebhookBody[] {
  return [
    {
      object: 'page',
      entry: [{ id: PAGE_ID, time: now, messaging: [messengerMessage('p1', 'm_1', 'Hello', now)] }],
    },
    {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: now,
          messaging: [
            {
              sender: { id: 'p2' },
              recipient: { id: PAGE_ID },
              timestamp: now,
              message: {
                mid: 'm_2',
                attachments: [{ type: 'image', payload: { url: 'https://cdn.example/x.jpg' } }],
                quick_reply: { payload: 'YES' },
                reply_to: { mid: 'm_1' },
              },
            },
            {
              sender: { id: 'p2' },
              recipient: { id: PAGE_ID },
              timestamp: now + 1,
              read: { watermark: now },
            },
            {
              sender: { id: 'p2' },
              recipient: { id: PAGE_ID },
              timestamp: now + 2,
              reaction: { mid: 'm_2', action: 'react', emoji: '❤', reaction: 'love' },
            },
            {
              sender: { id: 'p2' },
              recipient: { id: PAGE_ID },
              timestamp: now + 3,
              postback: { mid: 'm_pb', title: 'Start', payload: 'START' },
            },
          ],
        },
      ],
    },
    {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: now,
          messaging: [
            {
              sender: { id: PAGE_ID },
              recipient: { id: 'p1' },
              timestamp: now,
              message: { mid: 'm_echo', is_echo: true, app_id: 42, metadata: 'msg_1', text: 'Hi back' },
            },
          ],
        },
      ],
    },
    {
      object: 'instagram',
      entry: [
        {
          id: IG_ID,
          time: now,
          messaging: [
            {
              sender: { id: 'ig1' },
              recipient: { id: IG_ID },
              timestamp: now,
              message: { mid: 'ig_m_1', text: 'Salut 👋' },
            },
          ],
        },
      ],
    },
    {
      object: 'page',
      entry: [
        {
          id: PAGE_ID,
          time: now,
          changes: [
            {
              field: 'feed',
              value: {
                item: 'comment',
                verb: 'add',
                comment_id: '1_2',
                post_id: '1_1',
                parent_id: '1_1',
                from: { id: 'u9', name: 'Dan' },
                message: 'Do you ship?',
                created_time: Math.floor(now / 1000),
              },
            },
          ],
        },
      ],
    },
  ];
}
