import { isPagedeskError, ValidationError, validateEvent } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { WebhookPayloadError } from '../errors.js';
import { parseWebhook } from '../parseWebhook.js';
import { envelope, feedComment, instagram, messenger, PAGE_ID, PSID, T } from './fixtures/payloads.js';

function payloadError(body: unknown): WebhookPayloadError {
  try {
    parseWebhook(typeof body === 'string' ? body : JSON.stringify(body));
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookPayloadError);
    expect(error).toBeInstanceOf(ValidationError);
    expect(isPagedeskError(error)).toBe(true);
    return error as WebhookPayloadError;
  }
  throw new Error('expected parseWebhook to throw');
}

describe('parseWebhook input forms', () => {
  it('accepts a string, a Buffer, a Uint8Array and a parsed object alike', () => {
    const body = envelope('page', [messenger.text]);
    const json = JSON.stringify(body);
    const expected = parseWebhook(body);
    expect(parseWebhook(json)).toEqual(expected);
    expect(parseWebhook(Buffer.from(json))).toEqual(expected);
    expect(parseWebhook(new TextEncoder().encode(json))).toEqual(expected);
  });

  it('decodes the \\u-escaped unicode Meta signs', () => {
    const json = JSON.stringify(envelope('page', [messenger.text])).replace(
      'hello, world!',
      '\\u00e4\\u00f6\\u00e5',
    );
    const [e] = parseWebhook(Buffer.from(json));
    expect(e).toMatchObject({ kind: 'message', text: 'äöå' });
  });

  it('an empty entry list is an empty batch', () => {
    expect(parseWebhook({ object: 'page', entry: [] })).toEqual([]);
  });
});

describe('malformed bodies name the first wrong field', () => {
  it('not JSON', () => {
    expect(payloadError('{"object":').issues).toEqual([{ path: '', message: 'the body is not valid JSON' }]);
  });

  it('an unknown object is rejected, naming `object`', () => {
    const e = payloadError({ object: 'user', entry: [] });
    expect(e.issues[0]).toEqual({ path: 'object', message: 'expected "page" or "instagram", got "user"' });
    expect(e.message).toContain('object');
  });

  it('missing entry', () => {
    expect(payloadError({ object: 'page' }).issues[0]).toMatchObject({
      path: 'entry',
      message: expect.stringContaining('array'),
    });
  });

  it('an entry without id', () => {
    expect(payloadError({ object: 'page', entry: [{ time: T, messaging: [] }] }).issues[0]?.path).toBe(
      'entry[0].id',
    );
  });

  it('a message without a string mid, deep in a batch', () => {
    const bad = {
      sender: { id: PSID },
      recipient: { id: PAGE_ID },
      timestamp: T,
      message: { mid: 42, text: 'x' },
    };
    const body = {
      object: 'page',
      entry: [envelope('page', [messenger.text]).entry[0], envelope('page', [messenger.read, bad]).entry[0]],
    };
    const e = payloadError(body);
    expect(e.issues[0]).toEqual({
      path: 'entry[1].messaging[1].message.mid',
      message: 'expected string, got number',
    });
  });

  it('a wrong reaction action lists the allowed values', () => {
    const bad = { ...messenger.reaction, reaction: { mid: 'm', action: 'poke' } };
    expect(payloadError(envelope('page', [bad])).issues[0]).toEqual({
      path: 'entry[0].messaging[0].reaction.action',
      message: 'expected one of react, unreact',
    });
  });

  it('a messaging item that is not an object', () => {
    expect(payloadError(envelope('page', ['oops'])).issues[0]?.path).toBe('entry[0].messaging[0]');
  });

  it('a message, read or postback without its person (no inbox could place it)', () => {
    const { sender: _sender, ...noSender } = messenger.text as Record<string, unknown>;
    expect(payloadError(envelope('page', [noSender])).issues[0]).toEqual({
      path: 'entry[0].messaging[0].sender',
      message: 'required for a message event',
    });
    const { recipient: _recipient, ...echoWithoutRecipient } = messenger.echo as Record<string, unknown>;
    expect(payloadError(envelope('page', [echoWithoutRecipient])).issues[0]?.path).toBe(
      'entry[0].messaging[0].recipient',
    );
  });

  it('a feed comment without its author', () => {
    const body = feedComment('add');
    const value = body.entry[0]!.changes?.[0]?.value as Record<string, unknown>;
    delete value['from'];
    expect(payloadError(body).issues[0]?.path).toBe('entry[0].changes[0].value.from.id');
  });

  it('a non-integer num_edit', () => {
    const bad = { ...messenger.edit, message_edit: { mid: 'm', text: 't', num_edit: 'many' } };
    expect(payloadError(envelope('page', [bad])).issues[0]?.path).toBe(
      'entry[0].messaging[0].message_edit.num_edit',
    );
  });
});

describe('batches', () => {
  it('flattens many entries (several pages) and events, routed by entry.id and sorted by timestamp', () => {
    const at = (mid: string, timestamp: number, sender = PSID) => ({
      sender: { id: sender },
      recipient: { id: 'x' },
      timestamp,
      message: { mid, text: mid },
    });
    const body = {
      object: 'page',
      entry: [
        { id: 'PAGE_A', time: T, messaging: [at('a1', 30), at('a2', 10)] },
        { id: 'PAGE_B', time: T, messaging: [at('b1', 20)], standby: [at('b2', 5)] },
        { id: 'PAGE_C', time: T, messaging: [at('c1', 10)] },
      ],
    };
    const events = parseWebhook(body);
    expect(events.map((e) => [e.pageId, e.kind === 'message' ? e.mid : '', e.timestamp])).toEqual([
      ['PAGE_B', 'b2', 5],
      ['PAGE_A', 'a2', 10],
      ['PAGE_C', 'c1', 10], // same millisecond: Meta's order is kept (stable sort)
      ['PAGE_B', 'b1', 20],
      ['PAGE_A', 'a1', 30],
    ]);
  });

  it('a batch of 1000 events comes out complete and in order', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      sender: { id: `u${i % 7}` },
      recipient: { id: PAGE_ID },
      timestamp: T + ((i * 7919) % 1000),
      message: { mid: `m${i}`, text: `t${i}` },
    }));
    const events = parseWebhook(envelope('page', items));
    expect(events).toHaveLength(1000);
    expect(new Set(events.map((e) => e.id)).size).toBe(1000);
    for (let i = 1; i < events.length; i++)
      expect((events[i] as { timestamp: number }).timestamp).toBeGreaterThanOrEqual(
        (events[i - 1] as { timestamp: number }).timestamp,
      );
  });

  it('unknown keys become unknown events, not errors, and keep everything in raw', () => {
    const future = {
      sender: { id: PSID },
      recipient: { id: PAGE_ID },
      timestamp: T,
      brand_new_event: { x: 1 },
    };
    const [e] = parseWebhook(envelope('page', [future]));
    expect(e).toMatchObject({ kind: 'unknown', field: 'brand_new_event', customerId: PSID, raw: future });
  });

  it('unknown fields inside known events are ignored by the schema and kept in raw', () => {
    const item = {
      ...messenger.text,
      message: { mid: 'mid.x', text: 'hello, world!', brand_new_field: [1, 2] },
      extra: true,
    };
    const [e] = parseWebhook(envelope('page', [item]));
    expect(e).toMatchObject({ kind: 'message', text: 'hello, world!' });
    expect(e?.raw).toBe(item);
  });

  it('Instagram and Messenger use the same kinds with their own platform', () => {
    expect(parseWebhook(envelope('instagram', [instagram.text]))[0]?.platform).toBe('instagram');
    expect(parseWebhook(envelope('page', [messenger.text]))[0]?.platform).toBe('messenger');
  });
});

describe('event ids', () => {
  it('are deterministic: the same delivery parsed twice gives the same ids', () => {
    const body = JSON.stringify(
      envelope('page', [
        messenger.text,
        messenger.reaction,
        messenger.read,
        messenger.delivery,
        messenger.referral,
        messenger.optinMarketing,
        messenger.passThreadControl,
        messenger.policyBlock,
        messenger.accountLinking,
      ]),
    );
    expect(parseWebhook(body).map((e) => e.id)).toEqual(parseWebhook(body).map((e) => e.id));
  });

  it('differ between distinct events: an edit, an unsend and a reaction are not the message', () => {
    const mid = 'mid.same';
    const items = [
      { ...messenger.text, message: { mid, text: 'a' } },
      { ...messenger.edit, message_edit: { mid, text: 'b', num_edit: 1 } },
      { ...messenger.edit, message_edit: { mid, text: 'c', num_edit: 2 } },
      { ...messenger.reaction, reaction: { mid, action: 'react', emoji: '👍' } },
      { ...messenger.reaction, reaction: { mid, action: 'unreact', emoji: '👍' } },
      { ...instagram.unsend, message: { mid, is_deleted: true } },
      { ...messenger.referral, referral: { ref: 'one', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
      { ...messenger.referral, referral: { ref: 'two', source: 'SHORTLINK', type: 'OPEN_THREAD' } },
    ];
    const ids = parseWebhook(envelope('page', items)).map((e) => e.id);
    expect(new Set(ids).size).toBe(items.length);
  });

  it('an entry.time in seconds becomes milliseconds for events without a timestamp', () => {
    const item = { recipient: { id: PAGE_ID }, policy_enforcement: { action: 'warning', reason: 'r' } };
    const [e] = parseWebhook(envelope('page', [item], { time: 1700000000 }));
    expect(e?.timestamp).toBe(1700000000000);
  });
});

describe('onInvalidEvent', () => {
  it('keeps an event with a wrong field as unknown, reports it, and keeps the rest of the batch', () => {
    const bad = { ...messenger.reaction, reaction: { mid: 'm', action: 'poke' } };
    const badChange = { field: 'feed', value: { item: 'comment', verb: 'add', post_id: 1 } };
    const errors: string[] = [];
    const body = {
      object: 'page',
      entry: [{ ...envelope('page', [messenger.text, bad]).entry[0], changes: [badChange] }],
    };
    const events = parseWebhook(body, {
      onInvalidEvent: (error) => errors.push(error.issues[0]?.path ?? ''),
    });
    expect(events.map((e) => [e.kind, e.kind === 'unknown' ? e.field : e.id])).toEqual([
      ['unknown', 'reaction'],
      ['message', 'message:mid.1457764197618:41d102a3e1ae206a38'],
      ['unknown', 'feed'], // same millisecond as the message: Meta's order is kept
    ]);
    expect(events[0]?.raw).toBe(bad);
    expect(events[2]?.raw).toBe(badChange.value);
    expect(errors).toEqual(['entry[0].messaging[1].reaction.action', 'entry[0].changes[0].value.comment_id']);
    // Without the option the same body throws.
    expect(() => parseWebhook(body)).toThrow(WebhookPayloadError);
  });

  it("never emits an event the inbox refuses: what identifies it must pass core's validateEvent", () => {
    // Found by the 100,000-body fuzz run: each of these passed the parser and then failed inbox.apply,
    // which failed the whole delivery on every retry.
    const items: unknown[] = [
      { ...messenger.text, message: { mid: '', text: 'empty mid' } },
      { ...messenger.reaction, reaction: { ...messenger.reaction.reaction, mid: '' } },
      { ...messenger.text, sender: { id: '' } },
      { ...messenger.text, timestamp: 1e308 * 10 },
    ];
    const changes = [
      {
        field: 'feed',
        value: {
          item: 'comment',
          verb: 'hide',
          comment_id: 'c1',
          post_id: 'p1',
          from: { id: 'u' },
          created_time: 1700000000,
        },
      },
      {
        field: 'feed',
        value: {
          item: 'comment',
          verb: 'add',
          comment_id: '',
          post_id: 'p1',
          from: { id: 'u' },
          created_time: 1700000000,
        },
      },
    ];
    const body = { object: 'page', entry: [{ ...envelope('page', items).entry[0], changes }] };
    const errors: string[] = [];
    const events = parseWebhook(body, { onInvalidEvent: (error) => errors.push(error.message) });
    expect(events).toHaveLength(items.length + changes.length);
    for (const event of events) expect(() => validateEvent(event)).not.toThrow();
    expect(events.filter((e) => e.kind !== 'unknown').map((e) => e.kind)).toEqual([]);
    expect(errors.join('\n')).toMatch(/message mid: must be at least 1 in length/);
    // Without the option the first such event throws, naming its item.
    expect(() => parseWebhook(body)).toThrow(/entry\[0\]\.messaging\[0\]/);
  });

  it('refuses an entry without an id: it cannot be routed, even as unknown', () => {
    expect(() =>
      parseWebhook(envelope('page', [messenger.text], { id: '' }), { onInvalidEvent: () => {} }),
    ).toThrow(/entry\[0\]\.id: must be at least 1 in length/);
  });

  it('the envelope stays strict', () => {
    expect(() => parseWebhook({ object: 'page', entry: [{}] }, { onInvalidEvent: () => {} })).toThrow(
      WebhookPayloadError,
    );
  });
});
