import { describe, expectTypeOf, it } from 'vitest';
import {
  type Attachment,
  evaluateWindow,
  isPagedeskError,
  type MessengerEvent,
  type PagedeskError,
  WindowClosedError,
} from '../index.js';

// The public types a host codes against: a change that loosens them fails here, not in a host's build.

describe('public types', () => {
  it('narrows MessengerEvent by kind', () => {
    const event = {} as MessengerEvent;
    if (event.kind === 'message') {
      expectTypeOf(event.mid).toEqualTypeOf<string>();
      expectTypeOf(event.attachments).toEqualTypeOf<Attachment[]>();
    }
    if (event.kind === 'delivery') expectTypeOf(event.watermark).toEqualTypeOf<number>();
    expectTypeOf(event.customerId).toEqualTypeOf<string | null>();
  });

  it('types the window evaluation for a UI', () => {
    const window = evaluateWindow({ lastInboundAt: null, now: 0, platform: 'messenger', source: 'message' });
    expectTypeOf(window.state).toEqualTypeOf<'standard' | 'human_agent' | 'closed'>();
    expectTypeOf(window.messagingType).toEqualTypeOf<'RESPONSE' | 'MESSAGE_TAG' | null>();
  });

  it('narrows unknown errors with the cross-realm guard', () => {
    const error: unknown = new WindowClosedError('closed');
    if (isPagedeskError(error)) expectTypeOf(error).toEqualTypeOf<PagedeskError>();
    expectTypeOf<WindowClosedError>().toExtend<PagedeskError>();
  });
});
