import { describe, expect, it } from 'vitest';
import { createInbox } from '../inbox.js';
import { memoryStore } from '../memoryStore.js';
import { signWebhookBody, testEvents } from '../testing.js';

describe('signWebhookBody', () => {
  it('computes the sha256 HMAC header value of the raw body (RFC 4231-style known vector)', () => {
    expect(signWebhookBody('The quick brown fox jumps over the lazy dog', 'key')).toBe(
      'sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8',
    );
    expect(
      signWebhookBody(new TextEncoder().encode('The quick brown fox jumps over the lazy dog'), 'key'),
    ).toBe('sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8');
  });
});

describe('testEvents', () => {
  it('builds valid events of every kind that the inbox applies without error', async () => {
    const inbox = createInbox({ store: memoryStore() });
    const errors: Error[] = [];
    inbox.on('error', ({ error }) => errors.push(error));
    const message = testEvents.message({ text: 'Hi' });
    const events = [
      message,
      testEvents.echo({ text: 'Hello' }),
      testEvents.edit({ mid: message.mid, text: 'Hi!' }),
      testEvents.reaction({ mid: message.mid }),
      testEvents.unsend({ mid: message.mid }),
      testEvents.postback(),
      testEvents.read(),
      testEvents.delivery(),
      testEvents.referral(),
      testEvents.optin(),
      testEvents.handover(),
      testEvents.comment(),
      testEvents.unknown(),
    ];
    await inbox.apply(events);
    expect(errors).toEqual([]);
    for (const event of events) expect(await inbox.store.events.has(event.id)).toBe(true);
  });

  it('gives a redelivery the same id and distinct events distinct ids', () => {
    const a = testEvents.message({ mid: 'm1', timestamp: 1 });
    expect(testEvents.message({ mid: 'm1', timestamp: 1 }).id).toBe(a.id);
    expect(testEvents.edit({ mid: 'm1', editCount: 1 }).id).not.toBe(
      testEvents.edit({ mid: 'm1', editCount: 2 }).id,
    );
    expect(testEvents.message().mid).not.toBe(testEvents.message().mid);
  });
});
