import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { evaluateWindow } from '../evaluateWindow.js';
import { testEntities } from '../testing.js';
import {
  formatRemaining,
  HUMAN_AGENT_WINDOW_MS,
  STANDARD_WINDOW_MS,
  windowForConversation,
} from '../window.js';

const last = Date.UTC(2026, 5, 1, 12);
const H = 3_600_000;
const at = (offset: number, extra: Partial<Parameters<typeof evaluateWindow>[0]> = {}) =>
  evaluateWindow({ lastInboundAt: last, now: last + offset, platform: 'messenger', ...extra });

describe('evaluateWindow: messages', () => {
  it('is standard (RESPONSE, promotion allowed) up to 24 h minus 1 ms', () => {
    for (const offset of [0, 1, STANDARD_WINDOW_MS - 1]) {
      const w = at(offset);
      expect(w).toMatchObject({
        state: 'standard',
        canReply: true,
        messagingType: 'RESPONSE',
        promotionalAllowed: true,
        standardEndsAt: last + STANDARD_WINDOW_MS,
        closesAt: last + HUMAN_AGENT_WINDOW_MS,
      });
      expect(w.tag).toBeUndefined();
    }
  });

  it('is human_agent (MESSAGE_TAG + HUMAN_AGENT, no promotion) from exactly 24 h to 7 d minus 1 ms', () => {
    for (const offset of [STANDARD_WINDOW_MS, HUMAN_AGENT_WINDOW_MS - 1]) {
      expect(at(offset)).toMatchObject({
        state: 'human_agent',
        canReply: true,
        messagingType: 'MESSAGE_TAG',
        tag: 'HUMAN_AGENT',
        promotionalAllowed: false,
      });
    }
  });

  it('is closed from exactly 7 d', () => {
    for (const offset of [HUMAN_AGENT_WINDOW_MS, HUMAN_AGENT_WINDOW_MS + 1, 365 * 24 * H]) {
      const w = at(offset);
      expect(w).toMatchObject({
        state: 'closed',
        canReply: false,
        messagingType: null,
        promotionalAllowed: false,
      });
      expect(w.reason.code).toBe('closed_expired');
    }
  });

  it('closes at 24 h without the Human Agent capability', () => {
    expect(at(STANDARD_WINDOW_MS - 1, { humanAgent: false })).toMatchObject({
      state: 'standard',
      closesAt: last + STANDARD_WINDOW_MS,
    });
    expect(at(STANDARD_WINDOW_MS, { humanAgent: false })).toMatchObject({ state: 'closed', canReply: false });
  });

  it('is closed before the customer ever wrote', () => {
    const w = evaluateWindow({ lastInboundAt: null, now: last, platform: 'instagram' });
    expect(w).toMatchObject({ state: 'closed', canReply: false, standardEndsAt: null, closesAt: null });
    expect(w.reason.code).toBe('closed_never_wrote');
  });

  it('never offers the tags Meta removed in 2026', () => {
    for (const offset of [0, STANDARD_WINDOW_MS, HUMAN_AGENT_WINDOW_MS]) {
      expect([undefined, 'HUMAN_AGENT']).toContain(at(offset).tag);
    }
  });

  it('accepts Dates and gives a reason a UI can show or translate', () => {
    const w = evaluateWindow({
      lastInboundAt: new Date(last),
      now: new Date(last + 21 * H),
      platform: 'messenger',
      humanAgent: false,
    });
    expect(w.reason).toEqual({ code: 'standard', text: 'Window closes in 3 h', remainingMs: 3 * H });
    expect(at(2 * 24 * H).reason).toMatchObject({ code: 'human_agent', remainingMs: 5 * 24 * H });
    expect(at(2 * 24 * H).reason.text).toContain('5 d');
  });

  it('names the wrong field of a malformed input', () => {
    expect(() =>
      evaluateWindow({ lastInboundAt: 'yesterday' as never, now: last, platform: 'messenger' }),
    ).toThrow(/lastInboundAt/);
    expect(() => evaluateWindow({ lastInboundAt: last, now: Number.NaN, platform: 'messenger' })).toThrow(
      ValidationError,
    );
    expect(() => evaluateWindow({ lastInboundAt: last, now: last, platform: 'whatsapp' as never })).toThrow(
      /platform/,
    );
  });

  it('is monotone in time: the state never improves and the close time never moves', () => {
    const order = { standard: 2, human_agent: 1, closed: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_000_000_000_000 }),
        fc.integer({ min: -H, max: 10 * 24 * H }),
        fc.integer({ min: 0, max: 10 * 24 * H }),
        fc.boolean(),
        (lastAt, d1, step, humanAgent) => {
          const a = evaluateWindow({
            lastInboundAt: lastAt,
            now: lastAt + d1,
            platform: 'messenger',
            humanAgent,
          });
          const b = evaluateWindow({
            lastInboundAt: lastAt,
            now: lastAt + d1 + step,
            platform: 'messenger',
            humanAgent,
          });
          expect(order[b.state]).toBeLessThanOrEqual(order[a.state]);
          if (!a.canReply) expect(b.canReply).toBe(false);
          if (!a.promotionalAllowed) expect(b.promotionalAllowed).toBe(false);
          expect(b.closesAt).toBe(a.closesAt);
        },
      ),
    );
  });
});

describe('evaluateWindow: comments', () => {
  const comment = (offset: number, privateReplySent = false) =>
    evaluateWindow({
      lastInboundAt: last,
      now: last + offset,
      platform: 'messenger',
      source: 'comment',
      privateReplySent,
    });

  it('allows one private reply within 7 d of the comment, and public replies always', () => {
    expect(comment(HUMAN_AGENT_WINDOW_MS - 1)).toMatchObject({
      state: 'standard',
      privateReply: true,
      publicReply: true,
      canReply: true,
      messagingType: 'RESPONSE',
    });
    const late = comment(HUMAN_AGENT_WINDOW_MS);
    expect(late).toMatchObject({ state: 'closed', privateReply: false, publicReply: true, canReply: true });
    expect(late.reason.code).toBe('private_reply_expired');
    const used = comment(1, true);
    expect(used).toMatchObject({ privateReply: false, publicReply: true });
    expect(used.reason.code).toBe('private_reply_used');
  });

  it('counts from the comment, not from later activity', () => {
    const w = evaluateWindow({
      lastInboundAt: last + 6 * 24 * H,
      commentCreatedAt: last,
      now: last + HUMAN_AGENT_WINDOW_MS,
      platform: 'instagram',
      source: 'comment',
    });
    expect(w.privateReply).toBe(false);
  });
});

describe('windowForConversation', () => {
  it('reads the conversation and the channel capability', () => {
    const conversation = testEntities.conversation({ lastInboundAt: last });
    const channel = testEntities.channel();
    expect(windowForConversation(conversation, channel, last + 30 * H).state).toBe('human_agent');
    const noAgent = testEntities.channel({ settings: { ...channel.settings, humanAgent: false } });
    expect(windowForConversation(conversation, noAgent, last + 30 * H).state).toBe('closed');
    expect(windowForConversation(conversation, { humanAgent: false }, last + H).state).toBe('standard');
  });

  it('uses the comment time and the private reply record of a comment conversation', () => {
    const conversation = testEntities.conversation({
      source: 'comment',
      createdAt: last,
      lastInboundAt: last + 5 * 24 * H,
      comment: { commentId: 'c', postId: 'p', privateReplySentAt: null },
    });
    expect(windowForConversation(conversation, { humanAgent: true }, last + 6 * 24 * H).privateReply).toBe(
      true,
    );
    expect(windowForConversation(conversation, { humanAgent: true }, last + 8 * 24 * H).privateReply).toBe(
      false,
    );
    const used = { ...conversation, comment: { commentId: 'c', postId: 'p', privateReplySentAt: last + 1 } };
    expect(windowForConversation(used, { humanAgent: true }, last + 2).privateReply).toBe(false);
  });

  it("times a private reply from the customer's newest comment once there is a later one", () => {
    const conversation = testEntities.conversation({
      source: 'comment',
      createdAt: last,
      lastInboundAt: last + 5 * 24 * H,
      comment: { commentId: 'c', postId: 'p', privateReplySentAt: null, latestId: 'c2' },
    });
    const at = (days: number) =>
      windowForConversation(conversation, { humanAgent: true }, last + days * 24 * H);
    expect(at(8)).toMatchObject({ privateReply: true, closesAt: last + 12 * 24 * H });
    expect(at(13).privateReply).toBe(false);
    const spent = {
      ...conversation,
      comment: { ...conversation.comment!, privateReplySentAt: last + 6 * 24 * H },
    };
    expect(windowForConversation(spent, { humanAgent: true }, last + 7 * 24 * H).reason.code).toBe(
      'private_reply_used',
    );
  });
});

describe('formatRemaining', () => {
  it('rounds down so it never promises more time than there is', () => {
    expect(formatRemaining(3 * H + 59 * 60_000)).toBe('3 h');
    expect(formatRemaining(2 * 24 * H + 5 * H)).toBe('2 d 5 h');
    expect(formatRemaining(24 * H)).toBe('1 d');
    expect(formatRemaining(59 * 60_000 + 59_999)).toBe('59 min');
    expect(formatRemaining(59_999)).toBe('less than a minute');
    expect(formatRemaining(-5)).toBe('less than a minute');
  });
});
