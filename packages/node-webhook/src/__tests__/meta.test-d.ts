import { describe, expectTypeOf, it } from 'vitest';
import type {
  MetaAttachment,
  MetaChangeItem,
  MetaEntry,
  MetaMessage,
  MetaMessagingItem,
  MetaWebhookBody,
} from '../meta.js';

// The wire types of @pagedesk/node-webhook/meta: what a fixture or an emulator may build. A change that
// loosens or breaks them fails here, not in a host's fixtures.

describe('Meta wire types', () => {
  it('a body is typed down to each messaging item and change', () => {
    expectTypeOf<MetaWebhookBody['object']>().toEqualTypeOf<'page' | 'instagram'>();
    expectTypeOf<MetaWebhookBody['entry']>().toEqualTypeOf<MetaEntry[]>();
    expectTypeOf<NonNullable<MetaEntry['messaging']>>().toEqualTypeOf<MetaMessagingItem[]>();
    expectTypeOf<NonNullable<MetaEntry['standby']>>().toEqualTypeOf<MetaMessagingItem[]>();
    expectTypeOf<NonNullable<MetaEntry['changes']>>().toEqualTypeOf<MetaChangeItem[]>();
    expectTypeOf<NonNullable<MetaMessagingItem['message']>>().toEqualTypeOf<MetaMessage>();
    expectTypeOf<NonNullable<MetaMessage['attachments']>>().toEqualTypeOf<MetaAttachment[]>();
  });

  it('ids and times are typed as Meta sends them, before the parser normalises them', () => {
    expectTypeOf<MetaEntry['id']>().toEqualTypeOf<string | number>();
    expectTypeOf<MetaMessagingItem['timestamp']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<MetaMessage['mid']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<MetaMessagingItem['reaction']>['action']>().toEqualTypeOf<'react' | 'unreact'>();
  });

  it('checks the fields the parser reads, and admits the ones it does not', () => {
    const item: MetaMessagingItem = {
      sender: { id: '1' },
      recipient: { id: '2' },
      timestamp: 1,
      message: { mid: 'm_1', text: 'hi', commands: [{ name: 'flights' }] },
    };
    expectTypeOf(item.message).toExtend<MetaMessage | undefined>();
    // @ts-expect-error a message id is a string
    const wrongMid: MetaMessage = { mid: 1 };
    // @ts-expect-error a reaction's action is react or unreact
    const wrongAction: MetaMessagingItem = { reaction: { mid: 'm', action: 'like' } };
    // @ts-expect-error WhatsApp bodies are not Pagedesk's
    const wrongObject: MetaWebhookBody = { object: 'whatsapp_business_account', entry: [] };
    expectTypeOf([wrongMid, wrongAction, wrongObject]).not.toBeNever();
  });
});
