import { get, type IncomingMessage } from 'node:http';
import { createInbox, type Inbox, type Store } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { createInboxApi, createWebhook } from '@pagedesk/node-webhook';
import type { MetaWebhookBody } from '@pagedesk/node-webhook/meta';
import { type RedisFanout, redisFanout } from '@pagedesk/redis';
import { Redis } from 'ioredis';
import { listen } from './harness.js';

// In-process servers for the live fan-out tests: an inbox API on a shared store and a Redis stream,
// optionally with the webhook, and SSE clients that time what they receive.

export const LIVE_APP_SECRET = 'live-rig-secret';

export interface LiveServer {
  url: string;
  inbox: Inbox;
  fanout: RedisFanout;
  liveConnections(): number;
  close(): Promise<void>;
}

/** An inbox API (and with `webhook`, a webhook at /webhook) over `store`, fanned out on `stream`. */
export async function startLiveServer(options: {
  store: Store;
  redisUrl: string;
  stream: string;
  webhook?: boolean;
}): Promise<LiveServer> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  const fanout = await redisFanout(redis, { stream: options.stream, backlog: 0 });
  const inbox = createInbox({ store: options.store });
  const api = createInboxApi({ inbox, fanout, heartbeatMs: 0, authorize: () => ({ role: 'admin' }) });
  const webhook = options.webhook
    ? createWebhook({
        appSecret: LIVE_APP_SECRET,
        verifyToken: 'v',
        onEvents: (events) => inbox.apply(events),
      })
    : undefined;
  const http = await listen((req, res) =>
    webhook && req.url?.startsWith('/webhook') ? webhook.node(req, res) : api.node(req, res),
  );
  return {
    url: http.url,
    inbox,
    fanout,
    liveConnections: () => api.liveConnections,
    async close() {
      api.close();
      await fanout.close();
      await http.close();
      await redis.quit();
    },
  };
}

/** A signed one-message delivery to `pageId`. */
export function textDelivery(pageId: string, psid: string, mid: string, timestamp: number) {
  const body = JSON.stringify({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: timestamp,
        messaging: [
          {
            sender: { id: psid },
            recipient: { id: pageId },
            timestamp,
            message: { mid, text: `text of ${mid}` },
          },
        ],
      },
    ],
  } satisfies MetaWebhookBody);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signWebhookBody(body, LIVE_APP_SECRET),
    },
  };
}

export interface SseConnection {
  close(): void;
}

/**
 * An SSE client on `${url}/events` calling `onCreated(mid)` for each `message:created`; resolves once
 * the server's first bytes arrived (the client is registered).
 */
export function openLiveClient(url: string, onCreated: (mid: string) => void): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    let response: IncomingMessage | undefined;
    const request = get(`${url}/events`, (res) => {
      response = res;
      res.setEncoding('utf8');
      let buffer = '';
      let registered = false;
      res.on('data', (chunk: string) => {
        buffer += chunk;
        if (!registered) {
          registered = true;
          resolve({ close: () => res.destroy() });
        }
        let end = buffer.indexOf('\n\n');
        while (end !== -1) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
          if (!frame.includes('event: message:created')) continue;
          const data = frame.split('\n').find((line) => line.startsWith('data: '));
          const mid = data
            ? (JSON.parse(data.slice(6)) as { message: { mid?: string } }).message.mid
            : undefined;
          if (mid) onCreated(mid);
        }
      });
      res.on('error', () => {});
    });
    request.on('error', (error) => {
      if (!response) reject(error);
    });
  });
}
