import { afterEach, describe, expect, it } from 'vitest';
import { metaJson, PAGE_INBOX_APP_ID, startEmulator } from '../index.js';
import { APP_SECRET, graph, HOUR, IG, PAGE, sendText, startReceiver } from './helpers.js';

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const item of open.splice(0)) await item.close();
});

async function setup(
  options: Parameters<typeof startEmulator>[0] = {},
  receiverOptions: Parameters<typeof startReceiver>[0] = {},
) {
  const receiver = await startReceiver(receiverOptions);
  const emu = await startEmulator({
    appSecret: APP_SECRET,
    webhookUrl: receiver.url,
    pages: [PAGE, IG],
    customerBehaviour: { deliverAfterMs: null },
    webhooks: { backoffMs: [5] },
    ...options,
  });
  open.push(emu, receiver);
  return { emu, receiver };
}

describe('signing', () => {
  it('signs the exact raw body with sha256 and sha1, escaping non-ASCII and slashes like Meta', async () => {
    const { emu, receiver } = await setup();
    const ana = emu.customers.create({ pageId: PAGE.id, name: 'Ana' });
    const result = await emu.customer(ana.id).send({ text: 'Olá 🙂 https://x.y/z' });
    expect(result.delivered).toBe(true);
    const [delivery] = receiver.received;
    expect(delivery!.sha256Valid).toBe(true);
    expect(delivery!.sha1Valid).toBe(true);
    expect(delivery!.raw).toContain('Ol\\u00e1 \\ud83d\\ude42 https:\\/\\/x.y\\/z');
    expect(delivery!.body).toEqual({
      object: 'page',
      entry: [
        {
          id: PAGE.id,
          time: result.timestamp,
          messaging: [
            {
              sender: { id: ana.id },
              recipient: { id: PAGE.id },
              timestamp: result.timestamp,
              message: { mid: result.mid, text: 'Olá 🙂 https://x.y/z' },
            },
          ],
        },
      ],
    });
  });

  it('serialises JSON as Meta does: non-ASCII escaped, slashes escaped', () => {
    expect(metaJson({ text: 'é/' })).toBe('{"text":"\\u00e9\\/"}');
  });
});

describe('delivery', () => {
  it('retries a failing receiver a bounded number of times and records every attempt', async () => {
    const { emu, receiver } = await setup(
      { webhooks: { attempts: 3, backoffMs: [5] } },
      { status: (n) => (n < 3 ? 500 : 200) },
    );
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Retry' });
    const result = await emu.customer(c.id).send({ text: 'hello' });
    expect(result.delivered).toBe(true);
    expect(receiver.received).toHaveLength(3);
    expect(emu.webhooks.deliveries().map((d) => [d.attempt, d.status, d.ok])).toEqual([
      [1, 500, false],
      [2, 500, false],
      [3, 200, true],
    ]);
    const failing = await setup({ webhooks: { attempts: 2, backoffMs: [5] } }, { status: () => 503 });
    const d = failing.emu.customers.create({ pageId: PAGE.id, name: 'Down' });
    expect((await failing.emu.customer(d.id).send({ text: 'x' })).delivered).toBe(false);
    expect(failing.receiver.received).toHaveLength(2);
    expect(failing.emu.webhooks.deliveries().at(-1)).toMatchObject({
      attempt: 2,
      ok: false,
      error: 'HTTP 503',
    });
  });

  it('records network failures and skips pages that are not subscribed', async () => {
    const emu = await startEmulator({
      appSecret: APP_SECRET,
      pages: [PAGE],
      webhookUrl: 'http://127.0.0.1:9/none',
      webhooks: { attempts: 2, backoffMs: [1] },
    });
    open.push(emu);
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Net' });
    expect((await emu.customer(c.id).send({ text: 'x' })).delivered).toBe(false);
    expect(emu.webhooks.deliveries()[0]).toMatchObject({
      status: null,
      ok: false,
      error: expect.stringMatching(/^network/),
    });
    emu.subscriptions.drop(PAGE.id);
    await emu.customer(c.id).send({ text: 'y' });
    expect(emu.webhooks.deliveries().at(-1)).toMatchObject({ error: 'page not subscribed', attempt: 1 });
  });

  it('keeps per-page order and can batch several events into one POST', async () => {
    const { emu, receiver } = await setup();
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Order' });
    await Promise.all(Array.from({ length: 6 }, (_, i) => emu.customer(c.id).send({ text: `m${i}` })));
    expect(receiver.messaging().map((m) => (m['message'] as { text: string }).text)).toEqual([
      'm0',
      'm1',
      'm2',
      'm3',
      'm4',
      'm5',
    ]);
    const batched = await setup({ webhooks: { batchSize: 3 } });
    const b = batched.emu.customers.create({ pageId: PAGE.id, name: 'Batch' });
    await Promise.all(
      Array.from({ length: 3 }, (_, i) => batched.emu.customer(b.id).send({ text: `b${i}` })),
    );
    expect(batched.receiver.received).toHaveLength(1);
    expect(batched.receiver.received[0]!.body.entry).toHaveLength(3);
  });

  it('performs the GET verification handshake and lets the URL be configured later', async () => {
    const receiver = await startReceiver({ verifyToken: 'verify-me' });
    open.push(receiver);
    const emu = await startEmulator({ appSecret: APP_SECRET, pages: [PAGE] });
    open.push(emu);
    await expect(emu.subscribe()).rejects.toThrow(/webhookUrl/);
    emu.webhooks.configure({ url: receiver.url, verifyToken: 'verify-me' });
    expect(await emu.subscribe()).toMatchObject({ ok: true, status: 200 });
    emu.webhooks.configure({ verifyToken: 'wrong' });
    expect(await emu.subscribe()).toMatchObject({ ok: false, status: 403 });
  });
});

describe('events', () => {
  it('sends echo, delivery and read after an accepted Send API message', async () => {
    const { emu, receiver } = await setup({ customerBehaviour: { deliverAfterMs: 0 } });
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Seq' });
    await emu.customer(c.id).send({ text: 'help' });
    const sent = await sendText(emu, c.id, 'on it', { message: { text: 'on it', metadata: 'draft-7' } });
    const mid = sent.body['message_id'];
    await emu.waitFor(() => receiver.messaging().some((m) => 'delivery' in m));
    await emu.customer(c.id).read();
    await emu.webhooks.idle();
    const [, echo, delivery, read] = receiver.messaging();
    expect(echo).toMatchObject({
      sender: { id: PAGE.id },
      recipient: { id: c.id },
      message: { is_echo: true, app_id: Number(emu.appId), metadata: 'draft-7', mid, text: 'on it' },
    });
    expect(delivery).toMatchObject({
      sender: { id: c.id },
      delivery: { mids: [mid], watermark: expect.any(Number) },
    });
    expect(read).toMatchObject({ sender: { id: c.id }, read: { watermark: expect.any(Number) } });
    expect(emu.customer(c.id).messages().at(-1)).toMatchObject({
      readAt: expect.any(Number),
      deliveredAt: expect.any(Number),
    });
  });

  it('reads automatically after readAfterMs when configured', async () => {
    const { emu, receiver } = await setup({ customerBehaviour: { deliverAfterMs: null, readAfterMs: 0 } });
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Auto' });
    await emu.customer(c.id).send({ text: 'hi' });
    await sendText(emu, c.id, 'hello');
    await emu.waitFor(() => receiver.messaging().some((m) => 'read' in m));
  });

  it('uses the instagram object, messaging_seen by mid and no deliveries on Instagram', async () => {
    const { emu, receiver } = await setup({ customerBehaviour: { deliverAfterMs: 0 } });
    const c = emu.customers.create({ pageId: IG.id, name: 'Insta' });
    await emu.customer(c.id).send({ text: 'hey' });
    const sent = await sendText(emu, c.id, 'hi!', {}, IG.accessToken);
    await emu.customer(c.id).read();
    await emu.customer(c.id).storyMention();
    await emu.webhooks.idle();
    expect(receiver.received.every((r) => r.body.object === 'instagram')).toBe(true);
    const items = receiver.messaging();
    expect(items.some((m) => 'delivery' in m)).toBe(false);
    expect(items.find((m) => 'read' in m)).toMatchObject({ read: { mid: sent.body['message_id'] } });
    expect(items.at(-1)).toMatchObject({
      message: { attachments: [{ type: 'story_mention', payload: { url: expect.any(String) } }] },
    });
  });

  it('sends attachments, stickers, quick replies, quoted replies, reactions and postbacks in Meta’s shapes', async () => {
    const { emu, receiver } = await setup({ now: Date.UTC(2026, 6, 1) });
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Shapes' });
    const first = await emu
      .customer(c.id)
      .send({ attachments: [{ sample: 'ocean' }, { type: 'sticker', url: 'https://x.test/like.png' }] });
    await emu.customer(c.id).send({ text: 'Yes', quickReplyPayload: 'YES', replyToMid: first.mid! });
    await emu.customer(c.id).react(first.mid!, '😮');
    await emu.customer(c.id).react(first.mid!, '😮', { action: 'unreact' });
    await emu.customer(c.id).postback({ title: 'Get Started', payload: 'START' });
    await emu.customer(c.id).edit(first.mid!, 'edited');
    const [attach, quick, react, unreact, postback, edit] = receiver.messaging();
    expect(attach!['message']).toMatchObject({
      attachments: [
        { type: 'image', payload: { url: `${emu.url}/samples/ocean.png` } },
        { type: 'sticker', payload: { url: 'https://x.test/like.png', sticker_id: 369239263222822 } },
        { type: 'image', payload: { url: 'https://x.test/like.png', sticker_id: 369239263222822 } },
      ],
    });
    expect(quick!['message']).toMatchObject({
      text: 'Yes',
      quick_reply: { payload: 'YES' },
      reply_to: { mid: first.mid, is_self_reply: false },
    });
    expect(react!['reaction']).toEqual({ reaction: 'wow', emoji: '😮', action: 'react', mid: first.mid });
    expect(unreact!['reaction']).toMatchObject({ action: 'unreact', mid: first.mid });
    expect(postback!['postback']).toEqual({
      mid: expect.any(String),
      title: 'Get Started',
      payload: 'START',
    });
    expect(edit!['message_edit']).toEqual({ mid: first.mid, text: 'edited', num_edit: 1 });
    await expect(emu.customer(c.id).unsend(first.mid!)).rejects.toThrow(/Instagram only/);
  });

  it('stops sending the image twin of a sticker after Aug 30 2026', async () => {
    const { emu, receiver } = await setup({ now: Date.UTC(2026, 8, 1) });
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Sticker' });
    await emu.customer(c.id).send({ attachments: [{ type: 'sticker', url: 'https://x.test/s.png' }] });
    expect((receiver.messaging()[0]!['message'] as { attachments: unknown[] }).attachments).toHaveLength(1);
  });

  it('sends Facebook comments as feed changes and Instagram comments as comments changes', async () => {
    const { emu, receiver } = await setup();
    const fb = emu.customers.create({ pageId: PAGE.id, name: 'Dan Silva' });
    const { comment } = await emu.customer(fb.id).comment({ text: 'Ship to Canada?' });
    const ig = emu.customers.create({ pageId: IG.id, name: 'Ig', username: 'ig.user' });
    const igComment = await emu.customer(ig.id).comment({ text: 'Love it' });
    const [feed, comments] = receiver.received.map((r) => r.body);
    expect(feed).toMatchObject({
      object: 'page',
      entry: [
        {
          id: PAGE.id,
          changes: [
            {
              field: 'feed',
              value: {
                from: { id: fb.id, name: 'Dan Silva' },
                item: 'comment',
                comment_id: comment.id,
                post_id: emu.page(PAGE.id).samplePostId,
                parent_id: emu.page(PAGE.id).samplePostId,
                verb: 'add',
                created_time: Math.floor(comment.createdAt / 1000),
                message: 'Ship to Canada?',
              },
            },
          ],
        },
      ],
    });
    expect(comments).toMatchObject({
      object: 'instagram',
      entry: [
        {
          id: IG.id,
          changes: [
            {
              field: 'comments',
              value: {
                from: { id: ig.id, username: 'ig.user' },
                id: igComment.comment.id,
                text: 'Love it',
                media: { id: expect.any(String) },
              },
            },
          ],
        },
      ],
    });
  });

  it('echoes a message sent from Meta Business Suite with the Page Inbox app id', async () => {
    const { emu, receiver } = await setup();
    const c = emu.customers.create({ pageId: PAGE.id, name: 'Echo' });
    const result = await emu
      .page(PAGE.id)
      .echo({ recipient: c.id, text: 'Replied from the Page Inbox', at: '-1h' });
    expect(receiver.messaging()[0]).toMatchObject({
      sender: { id: PAGE.id },
      recipient: { id: c.id },
      message: {
        is_echo: true,
        app_id: Number(PAGE_INBOX_APP_ID),
        mid: result.mid,
        text: 'Replied from the Page Inbox',
      },
    });
    expect(result.timestamp).toBeLessThan(emu.clock.now() - HOUR + 1000);
    // An echo is not a customer message: the window stays closed.
    expect((await sendText(emu, c.id, 'x')).body.error?.error_subcode).toBe(2018278);
    expect((await graph(emu, 'GET', 'me')).status).toBe(200);
  });
});
