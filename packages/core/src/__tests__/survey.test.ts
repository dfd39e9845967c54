import { describe, expect, it } from 'vitest';
import { RuleViolationError, ValidationError, WindowClosedError } from '../errors.js';
import type { Inbox } from '../inbox.types.js';
import { buildSendBody } from '../server/sendBody.js';
import { surveyFor, surveyRefusal } from '../server/surveys.js';
import {
  SURVEY_STANDARD_WINDOW_MS,
  SURVEY_TAG_WINDOW_MS,
  surveyScore,
  surveyWindow,
} from '../surveyRules.js';
import { testEntities, testEvents } from '../testing.js';
import { inboxWithConversation } from './inboxFixture.js';

const T0 = 1_700_000_000_000;
const direct = { platform: 'messenger', source: 'message', lastInboundAt: T0 } as const;

describe('surveyWindow', () => {
  it('is a RESPONSE for 24 h, then CUSTOMER_FEEDBACK until 7 days, then closed', () => {
    expect(surveyWindow(direct, T0)).toMatchObject({ canSend: true, messagingType: 'RESPONSE' });
    expect(surveyWindow(direct, T0 + SURVEY_STANDARD_WINDOW_MS - 1)).toMatchObject({
      messagingType: 'RESPONSE',
    });
    expect(surveyWindow(direct, T0 + SURVEY_STANDARD_WINDOW_MS)).toEqual({
      canSend: true,
      messagingType: 'MESSAGE_TAG',
      tag: 'CUSTOMER_FEEDBACK',
      closesAt: T0 + SURVEY_TAG_WINDOW_MS,
    });
    expect(surveyWindow(direct, new Date(T0 + SURVEY_TAG_WINDOW_MS - 1))).toMatchObject({ canSend: true });
    expect(surveyWindow(direct, T0 + SURVEY_TAG_WINDOW_MS)).toMatchObject({
      canSend: false,
      reason: 'window_closed',
    });
  });

  it('refuses Instagram, comment threads and a customer who never wrote', () => {
    expect(surveyWindow({ ...direct, platform: 'instagram' }, T0)).toMatchObject({ reason: 'not_messenger' });
    expect(surveyWindow({ ...direct, source: 'comment' }, T0)).toMatchObject({ reason: 'comment_thread' });
    expect(surveyWindow({ ...direct, lastInboundAt: null }, T0)).toMatchObject({
      reason: 'no_customer_message',
    });
  });

  it('surveyRefusal turns each refusal into its typed error', () => {
    expect(surveyRefusal({ ...direct, platform: 'instagram' }, T0).error).toBeInstanceOf(RuleViolationError);
    const late = surveyRefusal(direct, T0 + SURVEY_TAG_WINDOW_MS).error;
    expect(late).toBeInstanceOf(WindowClosedError);
    expect(late).toMatchObject({ closedAt: T0 + SURVEY_TAG_WINDOW_MS });
    expect(surveyRefusal(direct, T0 + SURVEY_STANDARD_WINDOW_MS).window).toEqual({
      messagingType: 'MESSAGE_TAG',
      tag: 'CUSTOMER_FEEDBACK',
    });
  });
});

describe('surveyScore', () => {
  it.each([
    ['csat', '1', 1],
    ['csat', '5', 5],
    ['csat', '0', undefined],
    ['csat', '6', undefined],
    ['nps', '0', 0],
    ['nps', 10, 10],
    ['nps', '11', undefined],
    ['ces', '7', 7],
    ['ces', ' ', undefined],
    ['csat', '4.5', undefined],
    ['csat', null, undefined],
  ] as const)('%s %j → %j', (type, payload, score) => {
    expect(surveyScore(type, payload)).toBe(score);
  });
});

describe('surveyFor and the Send API body', () => {
  it('fills the host defaults under the draft and builds the customer feedback template', () => {
    const { id, survey } = surveyFor(
      { type: 'nps', question: 'Would you recommend us?' },
      { privacyUrl: 'https://acme.test/privacy', title: 'Thanks!', expiresInDays: 3 },
    );
    expect(survey).toMatchObject({
      type: 'nps',
      questionId: id,
      title: 'Thanks!',
      expiresInDays: 3,
      followUp: true,
    });
    const body = buildSendBody({
      recipient: { id: 'PSID' },
      messagingType: 'MESSAGE_TAG',
      tag: 'CUSTOMER_FEEDBACK',
      survey,
      metadata: id,
    });
    expect(body).toEqual({
      recipient: { id: 'PSID' },
      messaging_type: 'MESSAGE_TAG',
      tag: 'CUSTOMER_FEEDBACK',
      message: {
        attachment: {
          type: 'template',
          payload: {
            template_type: 'customer_feedback',
            title: 'Thanks!',
            button_title: 'Rate us',
            feedback_screens: [
              {
                questions: [
                  { id, type: 'nps', title: 'Would you recommend us?', follow_up: { type: 'free_form' } },
                ],
              },
            ],
            business_privacy: { url: 'https://acme.test/privacy' },
            expires_in_days: 3,
          },
        },
        metadata: id,
      },
    });
  });

  it('takes a per-organisation privacy policy from a function of the channel', () => {
    const channel = testEntities.channel({ organizationId: 'org_a' });
    const { survey } = surveyFor(
      { type: 'csat' },
      { privacyUrl: (c) => `https://desk.test/${c.organizationId}/privacy` },
      channel,
    );
    expect(survey.privacyUrl).toBe('https://desk.test/org_a/privacy');
    expect(() => surveyFor({ type: 'csat' }, { privacyUrl: () => undefined }, channel)).toThrow(/privacyUrl/);
  });

  it('refuses a bad draft naming the field, and a survey with no privacy URL anywhere', () => {
    expect(() => surveyFor({ type: 'stars' }, { privacyUrl: 'https://a.test' })).toThrow(/type/);
    expect(() => surveyFor({ type: 'csat', expiresInDays: 8 }, { privacyUrl: 'https://a.test' })).toThrow(
      /expiresInDays/,
    );
    let missing: unknown;
    try {
      surveyFor({ type: 'csat' }, undefined);
    } catch (e) {
      missing = e;
    }
    expect(missing).toBeInstanceOf(ValidationError);
    expect(String((missing as Error).message)).toMatch(/privacyUrl/);
  });

  it('takes only an absolute http(s) privacy URL, trimmed, and a whole number of days', () => {
    const url = (privacyUrl: string) => surveyFor({ type: 'csat' }, { privacyUrl }).survey.privacyUrl;
    expect(url('https://a.test/privacy?x=1#p')).toBe('https://a.test/privacy?x=1#p');
    expect(url('  HTTP://a.test/p ')).toBe('HTTP://a.test/p');
    for (const bad of [
      'a.test/privacy',
      '/privacy',
      'http:a.test',
      'https:/a.test',
      'https://',
      'ftp://a.test/p',
      'javascript:alert(1)',
      'https://a.te\nst/p',
      'https://a b.test',
    ]) {
      expect(() => url(bad), bad).toThrow(/privacyUrl.*http\(s\) URL/);
    }
    const days = (expiresInDays: number) =>
      surveyFor({ type: 'csat', expiresInDays }, { privacyUrl: 'https://a.test' }).survey.expiresInDays;
    expect(days(7)).toBe(7);
    for (const bad of [2.5, 0, Number.NaN]) expect(() => days(bad), String(bad)).toThrow(/expiresInDays/);
  });
});

describe('feedback events on the inbox', () => {
  const setup = () => inboxWithConversation();
  /** Records a CSAT survey in the conversation, as the send path does before calling Meta. */
  async function recordSurvey(inbox: Inbox, conversationId: string) {
    const { id, survey } = surveyFor({ type: 'csat' }, { privacyUrl: 'https://a.test/p' });
    await inbox.recordOutbound(conversationId, { id, text: survey.title, survey, author: { kind: 'agent' } });
    return id;
  }

  it('stores the answer on the conversation the survey was sent in, and tells listeners', async () => {
    const { store, inbox, conversation } = await setup();
    const id = await recordSurvey(inbox, conversation.id);
    await inbox.resolve(conversation.id);
    // A new conversation opened meanwhile: the answer still goes to the surveyed one.
    await inbox.apply([testEvents.message({ text: 'another question', timestamp: 2000 })]);
    const updates: unknown[] = [];
    inbox.on('conversation:updated', ({ conversation: c }) => updates.push(c.survey));
    await inbox.apply([
      testEvents.feedback({
        timestamp: 3000,
        answers: [{ questionId: id, type: 'csat', score: 4, text: 'Quick and kind' }],
      }),
    ]);
    expect((await store.conversations.get(conversation.id))?.survey).toEqual({
      type: 'csat',
      score: 4,
      text: 'Quick and kind',
      questionId: id,
      answeredAt: 3000,
    });
    expect(updates).toHaveLength(1);
  });

  it('keeps the newest answer, and places an unknown question on the newest conversation', async () => {
    const { store, inbox, conversation } = await setup();
    await inbox.apply([
      testEvents.feedback({ timestamp: 5000, answers: [{ questionId: 'elsewhere', type: 'nps', score: 9 }] }),
      testEvents.feedback({ timestamp: 4000, answers: [{ questionId: 'elsewhere', type: 'nps', score: 2 }] }),
    ]);
    expect((await store.conversations.get(conversation.id))?.survey).toMatchObject({
      score: 9,
      answeredAt: 5000,
    });
  });

  it("never lets one customer's answer land on another's survey", async () => {
    const { store, inbox, conversation } = await setup();
    const id = await recordSurvey(inbox, conversation.id);
    await inbox.apply([
      testEvents.message({ customerId: 'PSID_2', text: 'hello', timestamp: 6000 }),
      testEvents.feedback({
        customerId: 'PSID_2',
        timestamp: 7000,
        answers: [{ questionId: id, type: 'csat', score: 1 }],
      }),
    ]);
    expect((await store.conversations.get(conversation.id))?.survey).toBeUndefined();
    const other = await store.conversations.findLatest({
      channelId: 'PAGE_1',
      customerId: 'PAGE_1:PSID_2',
      source: 'message',
    });
    expect(other?.survey).toMatchObject({ score: 1 });
  });
});
