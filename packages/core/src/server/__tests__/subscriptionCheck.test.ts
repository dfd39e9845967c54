import { describe, expect, it } from 'vitest';
import { MESSENGER_FIELDS, missingWebhookFields } from '../pageRequirements.js';
import { harness, useFakeMeta } from './fakeMeta.js';

// `check` compares every webhook field the host needs with the page's subscription, reports the
// missing ones, and (by default) subscribes them again.

const env = useFakeMeta();

describe('missingWebhookFields', () => {
  it('lists what is needed and not subscribed; everything when the app is not subscribed', () => {
    expect(missingWebhookFields(['messages', 'message_echoes', 'feed'], ['messages', 'feed'])).toEqual([
      'message_echoes',
    ]);
    expect(missingWebhookFields(['messages'], undefined)).toEqual(['messages']);
    expect(missingWebhookFields(['messages'], [])).toEqual([]);
  });
});

describe('check: webhook fields', () => {
  it('reports the fields a subscription lacks, marks the channel, and subscribes every needed field again', async () => {
    const h = await harness(env.standin);
    env.meta.subscribedFields = ['messages', 'feed'];
    const statuses: string[] = [];
    h.channels.on('channel:status', ({ channel }) =>
      statuses.push(`${channel.status}: ${channel.statusReason ?? ''}`),
    );
    const result = await h.channels.check('PAGE_1');
    const missing = MESSENGER_FIELDS.filter((f) => f !== 'messages' && f !== 'feed');
    expect(result).toMatchObject({
      resubscribed: true,
      missingFields: missing,
      channel: { status: 'active' },
    });
    expect(statuses[0]).toBe(`unsubscribed: Webhook fields missing: ${missing.join(', ')}`);
    expect(env.meta.subscribedFields).toEqual([...MESSENGER_FIELDS]);
    expect(await h.channels.check('PAGE_1')).toMatchObject({ resubscribed: false, missingFields: [] });
  });

  it('without repair, stays unsubscribed naming the missing fields', async () => {
    const h = await harness(env.standin, { channels: { repairSubscriptions: false } });
    env.meta.subscribedFields = MESSENGER_FIELDS.filter((f) => f !== 'messaging_postbacks');
    const result = await h.channels.check('PAGE_1');
    expect(result).toMatchObject({ resubscribed: false, missingFields: ['messaging_postbacks'] });
    expect(await h.channels.get('PAGE_1')).toMatchObject({
      status: 'unsubscribed',
      statusReason: 'Webhook fields missing: messaging_postbacks',
    });
  });

  it('compares the host’s own list when it gives one', async () => {
    const h = await harness(env.standin, {
      channels: { webhookFields: { messenger: ['messages', 'message_echoes', 'messaging_account_linking'] } },
    });
    env.meta.subscribedFields = ['messages', 'message_echoes'];
    const result = await h.channels.check('PAGE_1');
    expect(result.missingFields).toEqual(['messaging_account_linking']);
    expect(env.meta.subscribedFields).toEqual(['messages', 'message_echoes', 'messaging_account_linking']);
  });
});
