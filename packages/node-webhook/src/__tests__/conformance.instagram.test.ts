import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import { ig, one } from './conformance.js';
import { IG_ID, IGSID, instagram, T } from './fixtures/payloads.js';

// Instagram events as Meta documents them, checked field by field (conformance.ts).

describe('Instagram', () => {
  it('text', () => {
    expect(one('instagram', instagram.text)).toEqual({
      ...ig,
      kind: 'message',
      id: 'message:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx',
      mid: 'aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx',
      text: 'hi from instagram',
      attachments: [],
      customerId: IGSID,
      timestamp: T,
      raw: instagram.text,
    });
  });

  it('story reply and story mention', () => {
    expect(one('instagram', instagram.storyReply)).toMatchObject({
      kind: 'message',
      text: 'love this story',
      replyTo: {
        story: { id: '17890000000000001', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1' },
      },
    });
    const mention = one('instagram', instagram.storyMention);
    expect(mention.kind === 'message' && mention.attachments).toEqual([
      { kind: 'story_mention', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=2' },
    ]);
  });

  it('ig_reel, ig_post and the legacy share are shares', () => {
    for (const [item, shareType] of [
      [instagram.igReel, 'ig_reel'],
      [instagram.igPost, 'ig_post'],
      [instagram.legacyShare, 'share'],
    ] as const) {
      const e = one('instagram', item);
      expect(e.kind === 'message' && e.attachments[0]).toMatchObject({ kind: 'share', shareType });
    }
  });

  it('unsend (is_deleted) and unsupported', () => {
    expect(one('instagram', instagram.unsend)).toEqual({
      ...ig,
      kind: 'unsend',
      id: 'unsend:aWdf_deleted',
      mid: 'aWdf_deleted',
      customerId: IGSID,
      timestamp: T,
      raw: instagram.unsend,
    });
    expect(one('instagram', instagram.unsupported)).toMatchObject({
      kind: 'message',
      isUnsupported: true,
      attachments: [],
    });
  });

  it('echo under messages with is_echo', () => {
    expect(one('instagram', instagram.echo)).toMatchObject({
      kind: 'echo',
      id: 'echo:aWdf_echo',
      customerId: IGSID,
      text: 'answer from the business',
    });
  });

  it('messaging_seen marks one message', () => {
    expect(one('instagram', instagram.seen)).toEqual({
      ...ig,
      kind: 'read',
      id: `read:${IG_ID}:${IGSID}:aWdf_seen_message`,
      mid: 'aWdf_seen_message',
      customerId: IGSID,
      timestamp: T,
      raw: instagram.seen,
    });
  });

  it('reaction, postback (icebreaker) and referral (ig.me)', () => {
    expect(one('instagram', instagram.reaction)).toMatchObject({
      kind: 'reaction',
      mid: 'aWdf_reacted',
      reaction: 'love',
    });
    expect(one('instagram', instagram.postback)).toMatchObject({
      kind: 'postback',
      payload: 'TRACK_ORDER',
      title: 'Track my order',
    });
    expect(one('instagram', instagram.referral)).toMatchObject({
      kind: 'referral',
      referral: { source: 'IGME', ref: 'igme-link' },
    });
  });

  it('messaging delivered as changes[] (field "messages") is parsed like messaging[]', () => {
    const body = {
      object: 'instagram',
      entry: [{ id: IG_ID, time: T, changes: [{ field: 'messages', value: instagram.text }] }],
    };
    expect(parseWebhook(body)).toMatchObject([
      { kind: 'message', id: 'message:aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQx', platform: 'instagram' },
    ]);
  });
});
