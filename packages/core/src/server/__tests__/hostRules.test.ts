import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../errors.js';
import { metaRules, type Rules, withPlatformLimits } from '../../rules.js';
import { testEvents } from '../../testing/events.js';
import { harness, useFakeMeta } from './fakeMeta.js';

// A host's rules profile is checked where it comes in: createChannels({ rules }) checks it at once, a
// per-channel profile when it is used; what the rules add for a platform never freezes the host's object.
const env = useFakeMeta();

const broken = { ...metaRules, text: { maxLength: -5 } } as Rules;

describe('a host’s rules profile', () => {
  it('is refused by createChannels, naming the wrong field', async () => {
    const { make } = await harness(env.standin);
    expect(() => make({ rules: broken })).toThrow(ValidationError);
    expect(() => make({ rules: broken })).toThrow(/text\.maxLength/);
  });

  it('refuses a per-channel profile when a reply is sent with it, before Meta hears of it', async () => {
    const { channels, store, inbox } = await harness(env.standin, { channels: { rules: () => broken } });
    await inbox.apply([testEvents.message({ pageId: 'PAGE_1', customerId: 'PSID_1', text: 'Hi' })]);
    const [conversation] = (await store.conversations.list({ limit: 1 })).items;
    expect(conversation).toBeDefined();
    env.standin.requests.length = 0;
    await expect(channels.send(conversation?.id ?? '', { text: 'Hello' })).rejects.toThrow(/text\.maxLength/);
    expect(env.standin.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('keeps the host’s own objects unfrozen when a platform limit is added', () => {
    const host = {
      ...metaRules,
      text: { maxLength: 1600 },
      attachments: structuredClone(metaRules.attachments),
    };
    const limited = withPlatformLimits(host, 'instagram');
    expect(limited.text).toEqual({ maxLength: 1600, maxBytes: 1000 });
    expect(Object.isFrozen(limited.attachments)).toBe(true);
    expect(Object.isFrozen(host.attachments)).toBe(false);
    expect(Object.isFrozen(host.text)).toBe(false);
  });
});
