import { createServer } from 'node:http';
import type { MessengerEvent, PagedeskError } from '@pagedesk/core';
import { signWebhookBody } from '@pagedesk/core/testing';
import { describe, expect, it } from 'vitest';
import { createWebhook, type WebhookErrorContext } from '../createWebhook.js';
import { WebhookContentError, type WebhookPayloadError } from '../errors.js';
import { parseWebhook } from '../parseWebhook.js';
import { envelope, PAGE_ID, PSID, T } from './fixtures/payloads.js';
import { listen } from './helpers.js';

// Strict about identity, lenient about content: an odd content field never loses the event, and is
// reported once per event; a wrong identity field still makes the item invalid.

const inbound = (fields: Record<string, unknown>) => ({
  sender: { id: PSID },
  recipient: { id: PAGE_ID },
  timestamp: T,
  ...fields,
});

function parse(items: unknown[]) {
  const content: WebhookContentError[] = [];
  const invalid: WebhookPayloadError[] = [];
  const events = parseWebhook(envelope('page', items), {
    onContentIssue: (e) => content.push(e),
    onInvalidEvent: (e) => invalid.push(e),
  });
  return { events, content, invalid };
}

function only<K extends MessengerEvent['kind']>(events: MessengerEvent[], kind: K) {
  expect(events).toHaveLength(1);
  const [event] = events;
  expect(event?.kind).toBe(kind);
  return event as Extract<MessengerEvent, { kind: K }>;
}

describe('lenient message content', () => {
  it("keeps the legacy fallback whose payload is an opaque string (Meta's shared link)", () => {
    const { events, content } = parse([
      inbound({
        message: {
          mid: 'mid.fallback',
          text: 'look at this',
          attachments: [
            {
              title: 'Legacy Attachment',
              url: 'https://www.messenger.com/',
              type: 'fallback',
              payload: 'BLOB',
            },
          ],
        },
      }),
    ]);
    const m = only(events, 'message');
    expect(m.text).toBe('look at this');
    expect(m.attachments).toEqual([
      { kind: 'fallback', url: 'https://www.messenger.com/', title: 'Legacy Attachment', payload: 'BLOB' },
    ]);
    expect(content).toEqual([]);
  });

  it('turns an unreadable attachment into a generic one, keeps the text, and reports it once', () => {
    const odd = { type: 'image', payload: { url: 42, title: 'Photo' }, url: 'https://cdn.example/x.jpg' };
    const { events, content } = parse([
      inbound({ message: { mid: 'mid.odd', text: 'hi', attachments: [odd, 'garbage', { payload: {} }] } }),
    ]);
    const m = only(events, 'message');
    expect(m.text).toBe('hi');
    expect(m.attachments).toEqual([
      { kind: 'unknown', payload: odd, url: 'https://cdn.example/x.jpg', title: 'Photo' },
      { kind: 'unknown', payload: 'garbage' },
      { kind: 'unknown', payload: { payload: {} } },
    ]);
    expect(content).toHaveLength(1);
    expect(content[0]).toBeInstanceOf(WebhookContentError);
    expect(content[0]?.eventId).toBe('message:mid.odd');
    expect(content[0]?.issues.map((i) => i.path)).toEqual([
      'entry[0].messaging[0].message.attachments[0].payload',
      'entry[0].messaging[0].message.attachments[1]',
      'entry[0].messaging[0].message.attachments[2].type',
    ]);
    expect(content[0]?.message).toContain('message.attachments[1]');
  });

  it('an attachments object instead of a list becomes one generic attachment', () => {
    const { events, content } = parse([
      inbound({
        message: { mid: 'mid.obj', attachments: { type: 'image', payload: { url: 'https://a/b.png' } } },
      }),
    ]);
    expect(only(events, 'message').attachments).toMatchObject([{ kind: 'unknown', url: 'https://a/b.png' }]);
    expect(content[0]?.issues[0]?.path).toBe('entry[0].messaging[0].message.attachments');
  });

  it('drops optional fields of another shape, keeps the message, and never reports nulls', () => {
    const { events, content } = parse([
      inbound({
        message: {
          mid: 'mid.fields',
          text: 'still here',
          quick_reply: { payload: 5 },
          reply_to: null,
          metadata: null,
          referral: { ad_id: 6_000_000_000_001, source: 'ADS', ads_context_data: null, ref: 7 },
          attachments: null,
          extra: { anything: true },
        },
      }),
    ]);
    const m = only(events, 'message');
    expect(m).toMatchObject({
      text: 'still here',
      attachments: [],
      referral: { adId: '6000000000001', source: 'ADS' },
    });
    expect(m.quickReply).toBeUndefined();
    expect(m.referral?.ref).toBeUndefined();
    expect(content).toHaveLength(1);
    expect(content[0]?.issues.map((i) => i.path)).toEqual([
      'entry[0].messaging[0].message.quick_reply.payload',
      'entry[0].messaging[0].message.referral.ref',
    ]);
  });

  it('a null text is an absent text; numeric ids and a digit-string timestamp become what Meta meant', () => {
    const { events, content } = parse([
      {
        sender: { id: 1234 },
        recipient: { id: 5678 },
        timestamp: String(T),
        message: { mid: 'mid.n', text: null },
      },
    ]);
    const m = only(events, 'message');
    expect(m).toMatchObject({ customerId: '1234', timestamp: T });
    expect(m.text).toBeUndefined();
    expect(content).toEqual([]);
    // Spelled as a string, a timestamp below 1e12 is seconds (Meta's postback reference prints one).
    const seconds = parse([inbound({ timestamp: '1527459824', postback: { payload: 'P' } })]);
    expect(only(seconds.events, 'postback').timestamp).toBe(1_527_459_824_000);
  });

  it('stays strict about what identifies a message', () => {
    for (const message of [{ mid: 42.5 }, { text: 'no mid' }, { mid: 'm', is_echo: 'yes' }]) {
      const { events, invalid } = parse([inbound({ message })]);
      expect(only(events, 'unknown').field).toBe('message');
      expect(invalid).toHaveLength(1);
    }
    const noSender = parse([{ recipient: { id: PAGE_ID }, timestamp: T, message: { mid: 'm', text: 't' } }]);
    expect(noSender.invalid[0]?.issues[0]?.path).toBe('entry[0].messaging[0].sender');
    const badTime = parse([inbound({ timestamp: 'yesterday', message: { mid: 'm' } })]);
    expect(badTime.invalid[0]?.issues[0]?.path).toBe('entry[0].messaging[0].timestamp');
  });
});

describe('lenient events other than messages', () => {
  it('reactions: an odd emoji is dropped and reported, an unknown action stays invalid', () => {
    const { events, content } = parse([
      inbound({ reaction: { mid: 'm.r', action: 'react', emoji: 1, reaction: null } }),
    ]);
    const r = only(events, 'reaction');
    expect(r.emoji).toBeUndefined();
    expect(content[0]?.issues[0]?.path).toBe('entry[0].messaging[0].reaction.emoji');
    const bad = parse([inbound({ reaction: { mid: 'm.r', action: 'poke' } })]);
    expect(only(bad.events, 'unknown').field).toBe('reaction');
  });

  it('postbacks: null title and an object payload do not lose the tap', () => {
    const { events, content } = parse([
      inbound({
        postback: {
          mid: 'm.p',
          title: null,
          payload: { step: 1 },
          referral: { ref: null, source: 'SHORTLINK' },
        },
      }),
    ]);
    const p = only(events, 'postback');
    expect(p).toMatchObject({ id: 'postback:m.p', referral: { source: 'SHORTLINK' } });
    expect(p.title).toBeUndefined();
    expect(p.payload).toBeUndefined();
    expect(content[0]?.issues.map((i) => i.path)).toEqual(['entry[0].messaging[0].postback.payload']);
  });

  it('postbacks with a null mid get the id of a postback without one', () => {
    const { events, content } = parse([inbound({ postback: { mid: null, payload: 'GET_STARTED' } })]);
    expect(only(events, 'postback').id).toMatch(/^postback:682498302938465:1254938275682919:/);
    expect(content).toEqual([]);
  });

  it('reads and deliveries: nulls and odd mids do not lose the receipt', () => {
    const { events } = parse([
      inbound({ read: { watermark: T, mid: null, seq: null } }),
      {
        sender: { id: PSID },
        recipient: { id: PAGE_ID },
        delivery: { watermark: T, mids: ['a', 7, 'b'], seq: 0 },
      },
    ]);
    expect(events.map((e) => e.kind)).toEqual(['read', 'delivery']);
    expect(events[1]).toMatchObject({ mids: ['a', 'b'] });
  });

  it('watermarks and comment times spelled as digit strings or ISO dates are read as numbers', () => {
    const { events, invalid } = parse([
      inbound({ read: { watermark: String(T) } }),
      { sender: { id: PSID }, recipient: { id: PAGE_ID }, delivery: { watermark: String(T) } },
      inbound({ read: { watermark: 'soon' } }),
    ]);
    expect(events.map((e) => e.kind)).toEqual(['read', 'delivery', 'unknown']);
    expect(events[0]).toMatchObject({ id: `read:${PAGE_ID}:${PSID}:${T}`, watermark: T });
    expect(events[1]).toMatchObject({ timestamp: T, watermark: T });
    expect(invalid[0]?.issues[0]?.path).toBe('entry[0].messaging[2].read.watermark');
    const [comment] = parseWebhook({
      object: 'instagram',
      entry: [
        {
          id: 'IG1',
          time: 1,
          changes: [
            {
              field: 'comments',
              value: {
                id: 'c1',
                text: 'hi',
                from: { id: 'u1' },
                media: { id: 'm1' },
                created_time: '2021-09-08T06:34:04+0000',
              },
            },
          ],
        },
      ],
    });
    expect(comment).toMatchObject({ kind: 'comment', timestamp: Date.parse('2021-09-08T06:34:04Z') });
  });

  it('referrals, opt-ins and handovers read past odd optional fields', () => {
    const { events, content } = parse([
      inbound({
        referral: { ref: 'r', source: 'SHORTLINK', type: 'OPEN_THREAD', referer_uri: null, ad_id: 99 },
      }),
      inbound({ optin: { ref: 5, user_ref: 12345 } }),
      inbound({ pass_thread_control: { new_owner_app_id: 263902037430900, metadata: { note: 1 } } }),
    ]);
    expect(events.map((e) => e.kind)).toEqual(['referral', 'optin', 'handover']);
    expect(events[0]).toMatchObject({ referral: { ref: 'r', adId: '99' } });
    expect(events[1]).toMatchObject({ userRef: '12345' });
    expect(events[2]).toMatchObject({ newOwnerAppId: '263902037430900' });
    expect(content.map((c) => c.issues.map((i) => i.path))).toEqual([
      ['entry[0].messaging[1].optin.ref'],
      ['entry[0].messaging[2].pass_thread_control.metadata'],
    ]);
  });
});

describe('lenient survey answers', () => {
  it('keeps the answers it understands and reports each one it left out, once', () => {
    const { events, content, invalid } = parse([
      inbound({
        messaging_feedback: {
          feedback_screens: [
            {
              screen_id: 0,
              questions: { ok: { type: 'csat', payload: '5' }, odd: { type: 'csat', payload: 'x' } },
            },
            { screen_id: 1, questions: 'not an object' },
          ],
        },
      }),
    ]);
    expect(invalid).toEqual([]);
    expect(only(events, 'feedback').answers).toEqual([{ questionId: 'ok', type: 'csat', score: 5 }]);
    expect(content).toHaveLength(1);
    expect(content[0]?.issues.map((i) => i.path)).toEqual([
      'entry[0].messaging[0].messaging_feedback.feedback_screens[0].questions.odd.payload',
      'entry[0].messaging[0].messaging_feedback.feedback_screens[1].questions',
    ]);
  });
});

describe('lenient comments', () => {
  const feed = (value: Record<string, unknown>, time = 1449135003) => ({
    object: 'page',
    entry: [{ id: PAGE_ID, time, changes: [{ field: 'feed', value }] }],
  });

  it('reads the Graph v2 commenter (sender_id, sender_name) as the author', () => {
    const [e] = parseWebhook(
      feed({
        item: 'comment',
        verb: 'add',
        comment_id: '901_903',
        post_id: `${PAGE_ID}_901`,
        sender_id: 1234567890321,
        sender_name: 'Tester',
        created_time: 1449135003,
        message: 'and the next one',
      }),
    );
    expect(e).toMatchObject({
      kind: 'comment',
      customerId: '1234567890321',
      from: { id: '1234567890321', name: 'Tester' },
      text: 'and the next one',
      timestamp: 1449135003000,
    });
  });

  it('a null message or permalink does not lose the comment; a missing author stays invalid', () => {
    const content: WebhookContentError[] = [];
    const [e] = parseWebhook(
      feed({
        item: 'comment',
        verb: 'add',
        comment_id: 1,
        post_id: 2,
        from: { id: '3', name: null },
        message: null,
        permalink_url: 4,
        created_time: 5,
      }),
      { onContentIssue: (c) => content.push(c) },
    );
    expect(e).toMatchObject({ kind: 'comment', commentId: '1', postId: '2', from: { id: '3' } });
    expect(content[0]?.issues.map((i) => i.path)).toEqual(['entry[0].changes[0].value.permalink_url']);
    expect(() => parseWebhook(feed({ item: 'comment', verb: 'add', comment_id: 1, post_id: 2 }))).toThrow(
      /from/,
    );
  });
});

describe('createWebhook reports content oddities once, with phase lenient, and answers 200', () => {
  it('hands the message over and reports one WebhookContentError', async () => {
    const handed: MessengerEvent[][] = [];
    const errors: Array<{ error: PagedeskError; context: WebhookErrorContext }> = [];
    const webhook = createWebhook({
      appSecret: 's3cret',
      verifyToken: 'v',
      onEvents: (events) => {
        handed.push(events);
      },
      onError: (error, context) => errors.push({ error, context }),
    });
    const server = await listen(createServer(webhook.node));
    try {
      const body = JSON.stringify(
        envelope('page', [
          inbound({
            message: { mid: 'mid.http', text: 'hello', attachments: [{ type: 'image', payload: [] }, 3] },
          }),
        ]),
      );
      const res = await fetch(`${server.url}/webhook`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(body, 's3cret'),
        },
      });
      expect(res.status).toBe(200);
      expect(handed.flat().map((e) => [e.kind, e.kind === 'message' ? e.text : null])).toEqual([
        ['message', 'hello'],
      ]);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.context.phase).toBe('lenient');
      expect(errors[0]?.error).toBeInstanceOf(WebhookContentError);
      expect((errors[0]?.error as WebhookContentError | undefined)?.issues).toHaveLength(2);
      // Meta's retry of the same delivery is a duplicate: neither handed over nor reported again.
      const again = await fetch(`${server.url}/webhook`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signWebhookBody(body, 's3cret'),
        },
      });
      expect(again.status).toBe(200);
      expect(handed).toHaveLength(1);
      expect(errors).toHaveLength(1);
    } finally {
      await server.close();
    }
  });
  it('reports after a successful hand-off: not on a 500, then once on the retry that succeeds', async () => {
    let fail = true;
    const errors: WebhookErrorContext['phase'][] = [];
    const webhook = createWebhook({
      appSecret: 's3cret',
      verifyToken: 'v',
      onEvents: () => {
        if (fail) throw new Error('queue down');
      },
      onError: (_error, context) => errors.push(context.phase),
    });
    const server = await listen(createServer(webhook.node));
    try {
      const body = JSON.stringify(
        envelope('page', [inbound({ message: { mid: 'mid.retry', attachments: [7] } })]),
      );
      const post = () =>
        fetch(`${server.url}/webhook`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-hub-signature-256': signWebhookBody(body, 's3cret'),
          },
        });
      expect((await post()).status).toBe(500);
      expect(errors).toEqual(['handler']);
      fail = false;
      expect((await post()).status).toBe(200);
      expect(errors).toEqual(['handler', 'lenient']);
    } finally {
      await server.close();
    }
  });
});
