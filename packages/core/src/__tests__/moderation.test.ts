import { describe, expect, it } from 'vitest';
import { RuleViolationError } from '../errors.js';
import { assertModeratable, moderationAfter } from '../moderation.js';

describe('moderationAfter', () => {
  it('follows each action and keeps who did what, oldest first; a deleted comment stays deleted', () => {
    let state = moderationAfter(undefined, 'hide', 1, 'ana');
    state = moderationAfter(state, 'like', 2);
    state = moderationAfter(state, 'unhide', 3, 'ben');
    state = moderationAfter(state, 'delete', 4, 'ana');
    state = moderationAfter(state, 'unlike', 5);
    expect(state).toEqual({
      hidden: false,
      deleted: true,
      liked: false,
      actions: [
        { action: 'hide', at: 1, agentId: 'ana' },
        { action: 'like', at: 2 },
        { action: 'unhide', at: 3, agentId: 'ben' },
        { action: 'delete', at: 4, agentId: 'ana' },
        { action: 'unlike', at: 5 },
      ],
    });
  });
});

describe('assertModeratable', () => {
  const comment = { source: 'comment' as const, platform: 'messenger' as const };
  it('refuses what Meta cannot do before asking it', () => {
    expect(() => assertModeratable({ ...comment, source: 'message' }, { mid: 'm' }, 'hide')).toThrow(
      expect.objectContaining({ rule: 'not_a_comment' }),
    );
    expect(() => assertModeratable(comment, {}, 'hide')).toThrow(RuleViolationError);
    expect(() =>
      assertModeratable(comment, { mid: 'c', moderation: moderationAfter(undefined, 'delete', 1) }, 'unhide'),
    ).toThrow(expect.objectContaining({ rule: 'comment_deleted' }));
    expect(() => assertModeratable({ ...comment, platform: 'instagram' }, { mid: 'c' }, 'like')).toThrow(
      expect.objectContaining({ rule: 'not_supported' }),
    );
    expect(() =>
      assertModeratable({ ...comment, platform: 'instagram' }, { mid: 'c' }, 'hide'),
    ).not.toThrow();
  });
});
