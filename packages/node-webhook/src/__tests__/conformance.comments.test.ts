import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../parseWebhook.js';
import { fb, ig } from './conformance.js';
import { feedComment, IG_ID, IGSID, igComment, PAGE_ID, T } from './fixtures/payloads.js';

// Page feed and Instagram comments as Meta documents them, checked field by field (conformance.ts).

describe('comments', () => {
  it('Page feed comment add, edited, remove (created_time seconds → ms)', () => {
    const [add] = parseWebhook(feedComment('add'));
    expect(add).toEqual({
      ...fb,
      kind: 'comment',
      id: 'comment:139560936744456_139620233405726:add:1511951015',
      action: 'add',
      commentId: '139560936744456_139620233405726',
      postId: '137542570280222_139560936744456',
      parentId: '139560936744456_139562213411528',
      text: 'Good',
      from: { id: '139560936744123', name: 'user' },
      fromPage: false,
      customerId: '139560936744123',
      timestamp: 1511951015000,
      raw: feedComment('add').entry[0]?.changes?.[0]?.value,
    });
    const [edited] = parseWebhook(feedComment('edited', { message: 'Better' }));
    expect(edited).toMatchObject({
      kind: 'comment',
      action: 'edit',
      text: 'Better',
      id: 'comment:139560936744456_139620233405726:edited:1511951015',
    });
    const [removed] = parseWebhook(feedComment('remove'));
    expect(removed).toMatchObject({ kind: 'comment', action: 'remove', from: { id: '139560936744123' } });
    expect('text' in (removed as object)).toBe(false);
  });

  it('a comment by the Page itself is marked fromPage and names no customer', () => {
    const [e] = parseWebhook(feedComment('add', { from: { id: PAGE_ID, name: 'Our Page' } }));
    expect(e).toMatchObject({ kind: 'comment', fromPage: true, customerId: null });
  });

  it('other feed items (posts, reactions) are unknown events named by the field', () => {
    const body = feedComment('add', { item: 'reaction', reaction_type: 'love' });
    expect(parseWebhook(body)).toMatchObject([{ kind: 'unknown', field: 'feed' }]);
  });

  it('Instagram comment (entry.time seconds → ms)', () => {
    const [e] = parseWebhook(igComment());
    expect(e).toMatchObject({
      ...ig,
      kind: 'comment',
      action: 'add',
      commentId: '17865799348089039',
      postId: '17900000000000002',
      parentId: '17865799348089000',
      text: 'Where is my order?',
      from: { id: IGSID, username: 'jane.doe' },
      fromPage: false,
      customerId: IGSID,
      timestamp: 1700000000000,
      id: 'comment:17865799348089039:add:1700000000000',
    });
  });

  it('Instagram mentions field is unknown', () => {
    const body = {
      object: 'instagram',
      entry: [
        { id: IG_ID, time: T, changes: [{ field: 'mentions', value: { media_id: '1', comment_id: '2' } }] },
      ],
    };
    expect(parseWebhook(body)).toMatchObject([
      { kind: 'unknown', field: 'mentions', raw: { media_id: '1', comment_id: '2' } },
    ]);
  });
});
