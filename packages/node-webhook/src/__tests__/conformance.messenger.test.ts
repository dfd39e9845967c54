import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import { fb, one } from './conformance.js';
import { envelope, messenger, PAGE_ID, PSID, T } from './fixtures/payloads.js';

// Messenger events as Meta documents them, checked field by field (conformance.ts).

describe('Messenger messages', () => {
  it('text', () => {
    expect(one('page', messenger.text)).toEqual({
      ...fb,
      kind: 'message',
      id: 'message:mid.1457764197618:41d102a3e1ae206a38',
      mid: 'mid.1457764197618:41d102a3e1ae206a38',
      customerId: PSID,
      timestamp: T,
      text: 'hello, world!',
      attachments: [],
      raw: messenger.text,
    });
  });

  it('quick reply', () => {
    const e = one('page', messenger.quickReply);
    expect(e).toMatchObject({
      kind: 'message',
      text: 'hello, world!',
      quickReply: { payload: 'DEVELOPER_DEFINED_PAYLOAD' },
    });
  });

  it('quoted reply (reply_to)', () => {
    const e = one('page', messenger.quotedReply);
    expect(e).toMatchObject({
      kind: 'message',
      replyTo: { mid: 'm_1fTq8oLumEyIp3Q2MR-aY7IfLZDamVrALniheU', isSelfReply: false },
    });
  });

  it.each([
    ['image', 'image'],
    ['video', 'video'],
    ['audio', 'audio'],
    ['file', 'file'],
  ] as const)('%s attachment', (type, kind) => {
    const e = one('page', messenger.attachment(type));
    expect(e).toMatchObject({ kind: 'message', timestamp: 1518479195308, customerId: PSID });
    expect(e.kind === 'message' && e.attachments).toEqual([
      { kind, url: 'https://scontent.xx.fbcdn.net/v/t1.15752-9/file.jpg?oh=1&oe=2' },
    ]);
    expect(e.kind === 'message' && e.text).toBeUndefined();
  });

  it('new sticker type', () => {
    const e = one(
      'page',
      messenger.attachment('sticker', { url: 'https://scontent/like.png', sticker_id: 369239263222822 }),
    );
    expect(e.kind === 'message' && e.attachments).toEqual([
      { kind: 'sticker', url: 'https://scontent/like.png', stickerId: '369239263222822' },
    ]);
  });

  it('sticker transition: sticker + image collapse into one sticker', () => {
    const e = one('page', messenger.stickerTransition);
    expect(e.kind === 'message' && e.attachments).toEqual([
      {
        kind: 'sticker',
        url: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png',
        stickerId: '369239263222822',
      },
    ]);
  });

  it('legacy sticker-as-image (message.sticker_id)', () => {
    const e = one('page', messenger.legacySticker);
    expect(e.kind === 'message' && e.attachments).toEqual([
      {
        kind: 'sticker',
        url: 'https://scontent.xx.fbcdn.net/v/t39.1997-6/like.png',
        stickerId: '369239263222822',
      },
    ]);
  });

  it('GIF (an image whose URL is a .gif)', () => {
    const e = one('page', messenger.gif);
    expect(e.kind === 'message' && e.attachments).toEqual([
      { kind: 'gif', url: 'https://media.giphy.com/media/xyz/giphy.gif?cid=1' },
    ]);
  });

  it('fallback link share keeps text, url and title', () => {
    const e = one('page', messenger.fallback);
    expect(e).toMatchObject({ text: 'This is where I want to go: https://youtu.be/bbo_fZAjIhg' });
    expect(e.kind === 'message' && e.attachments).toEqual([
      { kind: 'fallback', url: 'https://youtu.be/bbo_fZAjIhg', title: 'TAHITI - Heaven on Earth' },
    ]);
  });

  it('fallback with a null payload', () => {
    const e = one('page', messenger.fallbackNoPayload);
    expect(e.kind === 'message' && e.attachments).toEqual([{ kind: 'fallback' }]);
  });

  it('legacy location', () => {
    const e = one('page', messenger.location);
    expect(e.kind === 'message' && e.attachments).toEqual([
      {
        kind: 'location',
        coordinates: { lat: 52.52, long: 13.405 },
        url: 'https://l.facebook.com/l.php?u=map',
        title: "Pierre's Location",
      },
    ]);
  });

  it('post and reel shares', () => {
    const post = one('page', messenger.postShare);
    expect(post.kind === 'message' && post.attachments).toEqual([
      {
        kind: 'share',
        shareType: 'post',
        url: 'https://www.facebook.com/post/1',
        title: 'Our new store',
        payload: { url: 'https://www.facebook.com/post/1', title: 'Our new store', id: 1234567890 },
      },
    ]);
    const reel = one('page', messenger.reel);
    expect(reel.kind === 'message' && reel.attachments[0]).toMatchObject({
      kind: 'share',
      shareType: 'reel',
      title: 'A reel',
    });
  });

  it('product template keeps its payload', () => {
    const e = one('page', messenger.productTemplate);
    expect(e.kind === 'message' && e.attachments).toEqual([
      {
        kind: 'template',
        payload: {
          product: {
            elements: [
              {
                id: '555',
                retailer_id: 'sku-1',
                image_url: 'https://x/img.jpg',
                title: 'Mug',
                subtitle: '$10',
              },
            ],
          },
        },
      },
    ]);
  });

  it('an attachment type Pagedesk does not model stays visible as a typed fallback', () => {
    const e = one('page', messenger.appointment);
    expect(e.kind === 'message' && e.attachments).toEqual([
      {
        kind: 'fallback',
        payload: {
          type: 'appointment_booking',
          payload: {
            booking_id: 'b1',
            status: 'requested',
            start_time: 1739612400,
            end_time: 1739616000,
            timezone: 'America/Los_Angeles',
          },
        },
      },
    ]);
  });

  it('ads referral inside a message', () => {
    const e = one('page', messenger.adReferralMessage);
    expect(e).toMatchObject({
      kind: 'message',
      referral: {
        ref: 'summer-sale',
        adId: '6045246247433',
        source: 'ADS',
        type: 'OPEN_THREAD',
        adsContext: { ad_title: 'Summer sale', photo_url: 'https://x/p.jpg', post_id: '123_456' },
      },
    });
  });

  it('Shops product referral inside a message keeps the product id, and an odd product shape costs nothing', () => {
    const at = (referral: unknown) =>
      one('page', {
        ...messenger.adReferralMessage,
        message: { mid: 'mid.shop', text: 'Is this in stock?', referral },
      });
    expect(at({ product: { id: 5_000_000_000_001 } })).toMatchObject({
      kind: 'message',
      text: 'Is this in stock?',
      referral: { productId: '5000000000001' },
    });
    for (const product of ['p1', null, { id: { nested: true } }]) {
      const e = at({ product });
      expect(e).toMatchObject({ kind: 'message', text: 'Is this in stock?', referral: {} });
      expect((e as { referral: { productId?: string } }).referral.productId).toBeUndefined();
    }
  });

  it('unknown fields (commands) stay in raw', () => {
    const e = one('page', messenger.commands);
    expect(e.kind).toBe('message');
    expect((e.raw as { message: { commands: unknown } }).message.commands).toEqual([{ name: 'flights' }]);
  });
});

describe('Messenger echoes, edits, reactions', () => {
  it('echo: customer is the recipient, app id and metadata kept', () => {
    expect(one('page', messenger.echo)).toEqual({
      ...fb,
      kind: 'echo',
      id: 'echo:mid.1457764197618:41d102a3e1ae206a40',
      mid: 'mid.1457764197618:41d102a3e1ae206a40',
      customerId: PSID,
      timestamp: 1457764197627,
      text: 'hello, world!',
      attachments: [],
      senderAppId: '1517776481860111',
      metadata: 'pagedesk:msg_42',
      raw: messenger.echo,
    });
  });

  it('echo from the Page Inbox with a template and reply_to', () => {
    const e = one('page', messenger.echoPageInbox);
    expect(e).toMatchObject({
      kind: 'echo',
      senderAppId: '263902037430900',
      replyTo: { mid: 'mid.$original' },
    });
    expect(e.kind === 'echo' && e.attachments[0]?.kind).toBe('template');
  });

  it('edit', () => {
    expect(one('page', messenger.edit)).toEqual({
      ...fb,
      kind: 'edit',
      id: 'edit:mid.$edited:2',
      mid: 'mid.$edited',
      text: 'hello, world (edited)',
      editCount: 2,
      customerId: PSID,
      timestamp: 1458668856463,
      raw: messenger.edit,
    });
  });

  it('reaction and unreact have ids of their own', () => {
    const react = one('page', messenger.reaction);
    expect(react).toEqual({
      ...fb,
      kind: 'reaction',
      id: `reaction:mid.$reacted:${PSID}:react:\u{2764}\u{FE0F}:1458668856463`,
      mid: 'mid.$reacted',
      action: 'react',
      emoji: '\u{2764}\u{FE0F}',
      reaction: 'love',
      customerId: PSID,
      timestamp: 1458668856463,
      raw: messenger.reaction,
    });
    const unreact = one('page', messenger.unreaction);
    expect(unreact).toMatchObject({ kind: 'reaction', action: 'unreact', mid: 'mid.$reacted' });
    expect(unreact.id).not.toBe(react.id);
    expect('emoji' in unreact).toBe(false);
  });
});

describe('Messenger postbacks, reads, deliveries, referrals, opt-ins', () => {
  it('postback with referral', () => {
    expect(one('page', messenger.postback)).toEqual({
      ...fb,
      kind: 'postback',
      id: 'postback:m_MESSAGE-ID',
      mid: 'm_MESSAGE-ID',
      title: 'TITLE-FOR-THE-CTA',
      payload: 'USER-DEFINED-PAYLOAD',
      referral: { ref: 'USER-DEFINED-REFERRAL-PARAM', source: 'SHORTLINK', type: 'OPEN_THREAD' },
      customerId: PSID,
      timestamp: T,
      raw: messenger.postback,
    });
  });

  it('read watermark', () => {
    expect(one('page', messenger.read)).toEqual({
      ...fb,
      kind: 'read',
      id: `read:${PAGE_ID}:${PSID}:1458668856253`,
      watermark: 1458668856253,
      customerId: PSID,
      timestamp: 1458668856463,
      raw: messenger.read,
    });
  });

  it('delivery without timestamp uses the watermark', () => {
    expect(one('page', messenger.delivery)).toEqual({
      ...fb,
      kind: 'delivery',
      id: `delivery:${PAGE_ID}:${PSID}:1458668856253`,
      watermark: 1458668856253,
      mids: ['mid.1458668856218:ed81099e15d3f4f233'],
      customerId: PSID,
      timestamp: 1458668856253,
      raw: messenger.delivery,
    });
  });

  it('referral (m.me) and ads referral', () => {
    const e = one('page', messenger.referral);
    expect(e).toMatchObject({
      kind: 'referral',
      customerId: PSID,
      referral: { ref: 'REF_DATA_PASSED_IN_M.ME_PARAM', source: 'SHORTLINK', type: 'OPEN_THREAD' },
    });
    expect(e.id).toMatch(/^referral:682498302938465:1458692752478:[0-9a-z]+$/);
    expect(one('page', messenger.adReferral)).toMatchObject({
      kind: 'referral',
      referral: {
        adId: '6045246247433',
        source: 'ADS',
        refererUri: 'https://shop.example/help',
        adsContext: { ad_title: 'Spring', photo_url: 'https://x/p.jpg', post_id: '1_2', flow_id: 'f1' },
      },
    });
  });

  it('marketing messages opt-in', () => {
    const e = one('page', messenger.optinMarketing);
    expect(e).toMatchObject({
      kind: 'optin',
      type: 'notification_messages',
      payload: 'ADDITIONAL-INFORMATION',
      token: 'NOTIFICATION-MESSAGES-TOKEN',
      tokenExpiresAt: 1767225600000,
      status: 'RESUME NOTIFICATIONS',
      customerId: PSID,
    });
  });

  it('checkbox opt-in (user_ref, no sender) and one-time notification opt-in', () => {
    const checkbox = one('page', messenger.optinCheckbox);
    expect(checkbox).toMatchObject({
      kind: 'optin',
      ref: 'PASS_THROUGH_PARAM',
      userRef: 'UNIQUE_REF_PARAM',
      customerId: null,
    });
    const otn = one('page', messenger.optinOtn);
    expect(otn).toMatchObject({
      kind: 'optin',
      type: 'one_time_notif_req',
      payload: 'back-in-stock',
      token: 'OTN-TOKEN',
    });
  });
});

describe('handover, standby and policy enforcement', () => {
  it('pass thread control from idle (previous owner null)', () => {
    expect(one('page', messenger.passThreadControl)).toMatchObject({
      kind: 'handover',
      action: 'pass',
      previousOwnerAppId: null,
      newOwnerAppId: '123456789',
      metadata: 'Additional content that the caller wants to set',
      customerId: PSID,
    });
  });

  it('take and request thread control (number-typed app id)', () => {
    expect(one('page', messenger.takeThreadControl)).toMatchObject({
      kind: 'handover',
      action: 'take',
      previousOwnerAppId: '123456789',
      newOwnerAppId: '263902037430900',
    });
    expect(one('page', messenger.requestThreadControl)).toMatchObject({
      kind: 'handover',
      action: 'request',
      requestedOwnerAppId: '123456789',
      metadata: 'additional content',
    });
  });

  it('app roles', () => {
    expect(one('page', messenger.appRoles)).toMatchObject({
      kind: 'handover',
      action: 'roles',
      appRoles: { '123456789': ['primary_receiver'] },
      customerId: null,
    });
  });

  it('standby events are marked and keep their kind; standby postbacks have no payload', () => {
    const standbyPostback = {
      sender: { id: PSID },
      recipient: { id: PAGE_ID },
      timestamp: T,
      postback: { title: 'Get Started' },
    };
    const events = parseWebhook(
      envelope('page', [messenger.text, standbyPostback], { container: 'standby' }),
    );
    expect(events.map((e) => [e.kind, e.standby])).toEqual([
      ['message', true],
      ['postback', true],
    ]);
    expect('payload' in (events[1] as object)).toBe(false);
  });

  it('policy enforcement block and unblock (no sender)', () => {
    expect(one('page', messenger.policyBlock)).toMatchObject({
      kind: 'policy_enforcement',
      action: 'block',
      reason: expect.stringContaining('Platform Policies'),
      customerId: null,
    });
    const unblock = one('page', messenger.policyUnblock);
    expect(unblock).toMatchObject({ kind: 'policy_enforcement', action: 'unblock' });
    expect('reason' in unblock).toBe(false);
  });

  it('a satisfaction-survey answer (messaging_feedback)', () => {
    expect(one('page', messenger.feedback)).toEqual({
      ...fb,
      kind: 'feedback',
      id: `feedback:${PAGE_ID}:${PSID}:${T}`,
      customerId: PSID,
      timestamp: T,
      answers: [{ questionId: 'm_survey_1', type: 'csat', score: 4, text: 'Quick and kind' }],
      raw: messenger.feedback,
    });
  });

  it('a survey answer keeps what it understands: an unknown type or score is left out, never the event', () => {
    const e = one('page', messenger.feedbackOdd);
    expect(e).toMatchObject({ kind: 'feedback', answers: [{ questionId: 'nps_q', type: 'nps', score: 10 }] });
    expect(e.kind === 'feedback' && e.answers).toHaveLength(1);
  });

  it('a survey answer without the person is invalid (strict about ids)', () => {
    const { sender: _, ...anonymous } = messenger.feedback as Record<string, unknown>;
    const invalid: Error[] = [];
    const events = parseWebhook(JSON.stringify(envelope('page', [anonymous])), {
      onInvalidEvent: (e) => invalid.push(e),
    });
    expect(events.map((e) => e.kind)).not.toContain('feedback');
    expect(invalid[0]?.message).toMatch(/sender: required for a feedback event/);
  });

  it('an event type Pagedesk does not model becomes unknown, named by its key', () => {
    const e = one('page', messenger.accountLinking);
    expect(e).toMatchObject({
      kind: 'unknown',
      field: 'account_linking',
      customerId: PSID,
      timestamp: T,
      raw: messenger.accountLinking,
    });
    expect(e.id).toMatch(/^unknown:/);
  });
});
