import { RuleViolationError, WindowClosedError } from '@pagedesk/core';
import type { ServerChannels } from '@pagedesk/core/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../index.js';
import { directConversation, startPagesStack } from './coreStack.js';
import { APP_SECRET, graph, IG, PAGE } from './helpers.js';

// Satisfaction surveys end to end: `channels.sendSurvey` through the emulator acting as Meta (the
// Customer Feedback Template on the Send API, its window and tag), the customer answering on the
// emulator (a signed `messaging_feedback` webhook), and the score landing on the conversation; then
// the emulator's own refusals for what Meta refuses.

const DAY = 24 * 60 * 60 * 1000;
const PRIVACY = 'https://acme.test/privacy';
let stack: Awaited<ReturnType<typeof startPagesStack>>;
let emu: Emulator;
let channels: ServerChannels;

beforeAll(async () => {
  stack = await startPagesStack(APP_SECRET, [PAGE, IG], {
    surveys: { privacyUrl: PRIVACY, expiresInDays: 3 },
  });
  ({ emu, channels } = stack);
});
afterAll(() => stack.close());

const template = (overrides: Record<string, unknown> = {}) => ({
  type: 'template',
  payload: {
    template_type: 'customer_feedback',
    title: 'How did we do?',
    button_title: 'Rate us',
    feedback_screens: [{ questions: [{ id: 'q1', type: 'csat' }] }],
    business_privacy: { url: PRIVACY },
    ...overrides,
  },
});
const sendRaw = (psid: string, attachment: unknown, more: Record<string, unknown> = {}) =>
  graph(emu, 'POST', `${PAGE.id}/messages`, {
    body: { recipient: { id: psid }, messaging_type: 'RESPONSE', message: { attachment }, ...more },
  });

describe('surveys through the send path', () => {
  it('sends a CSAT survey as a RESPONSE, and the customer’s answer lands on the conversation', async () => {
    const { psid, conversation } = await directConversation(stack, PAGE.id, 'Happy');
    const sent = await channels.sendSurvey(
      conversation.id,
      { type: 'csat', question: 'Rate our help' },
      { agentId: 'ana' },
    );
    expect(sent).toMatchObject({ delivery: 'sent', messagingType: 'RESPONSE', survey: { type: 'csat' } });
    expect(sent.author).toMatchObject({ kind: 'agent', agentId: 'ana' });
    expect(emu.sent(PAGE.id).at(-1)).toMatchObject({ messagingType: 'RESPONSE', tag: null });
    const shown = emu.customer(psid).messages().at(-1)!;
    expect(shown.survey).toMatchObject({
      title: 'How did we do?',
      question: 'Rate our help',
      followUp: true,
      questionId: sent.id,
    });

    const answered = await emu
      .customer(psid)
      .answerSurvey({ mid: shown.mid, score: 4, text: 'Quick and kind' });
    expect(answered.delivered).toBe(true);
    const stored = await stack.store.conversations.get(conversation.id);
    expect(stored?.survey).toMatchObject({
      type: 'csat',
      score: 4,
      text: 'Quick and kind',
      questionId: sent.id,
    });
    // A survey is answered once.
    await expect(emu.customer(psid).answerSurvey({ mid: shown.mid, score: 5 })).rejects.toThrow(
      /answered already/,
    );
  });

  it('after 24 h uses the CUSTOMER_FEEDBACK tag; after 7 days refuses before Meta', async () => {
    const { psid, conversation } = await directConversation(stack, PAGE.id, 'Later');
    emu.clock.advance(3 * DAY);
    const sent = await channels.sendSurvey(conversation.id, { type: 'nps' });
    expect(sent).toMatchObject({ messagingType: 'MESSAGE_TAG', tag: 'CUSTOMER_FEEDBACK' });
    expect(emu.sent(PAGE.id).at(-1)).toMatchObject({
      messagingType: 'MESSAGE_TAG',
      tag: 'CUSTOMER_FEEDBACK',
    });
    const mid = emu.customer(psid).messages().at(-1)!.mid;
    await expect(emu.customer(psid).answerSurvey({ mid, score: 11 })).rejects.toThrow(/nps score/);
    await emu.customer(psid).answerSurvey({ mid, score: 10 });
    expect((await stack.store.conversations.get(conversation.id))?.survey).toMatchObject({
      type: 'nps',
      score: 10,
    });

    emu.clock.advance(5 * DAY);
    const count = emu.sent(PAGE.id).length;
    const late = await channels.sendSurvey(conversation.id, { type: 'csat' }).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(WindowClosedError);
    expect(emu.sent(PAGE.id)).toHaveLength(count);
  });

  it('refuses Instagram before any call, and a draft that breaks the rules names the field', async () => {
    const { conversation } = await directConversation(stack, IG.id, 'Insta');
    await expect(channels.sendSurvey(conversation.id, { type: 'csat' })).rejects.toBeInstanceOf(
      RuleViolationError,
    );
    const { conversation: fb } = await directConversation(stack, PAGE.id, 'Draft');
    await expect(channels.sendSurvey(fb.id, { type: 'csat', expiresInDays: 9 } as never)).rejects.toThrow(
      /expiresInDays/,
    );
  });

  it('an expired survey can no longer be answered', async () => {
    const { psid, conversation } = await directConversation(stack, PAGE.id, 'Slow');
    await channels.sendSurvey(conversation.id, { type: 'ces' });
    const mid = emu.customer(psid).messages().at(-1)!.mid;
    emu.clock.advance(3 * DAY + 1);
    await expect(emu.customer(psid).answerSurvey({ mid, score: 3 })).rejects.toThrow(/expired/);
  });
});

describe('the emulator refuses what Meta refuses', () => {
  it('checks the template: one screen, one question of a known type, a privacy URL, 1-7 days', async () => {
    const { psid } = await directConversation(stack, PAGE.id, 'Checks');
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ feedback_screens: [] }, /exactly one screen/],
      [
        {
          feedback_screens: [
            {
              questions: [
                { id: 'a', type: 'csat' },
                { id: 'b', type: 'nps' },
              ],
            },
          ],
        },
        /exactly one question/,
      ],
      [{ feedback_screens: [{ questions: [{ id: 'a', type: 'stars' }] }] }, /csat, nps, ces/],
      [
        { feedback_screens: [{ questions: [{ id: 'a', type: 'nps', score_option: 'five_stars' }] }] },
        /zero_to_ten/,
      ],
      [
        { feedback_screens: [{ questions: [{ id: 'a', type: 'csat', follow_up: { type: 'choice' } }] }] },
        /free_form/,
      ],
      [{ business_privacy: {} }, /business_privacy/],
      [{ expires_in_days: 8 }, /expires_in_days/],
      [{ button_title: '' }, /button_title/],
    ];
    for (const [overrides, message] of cases) {
      const response = await sendRaw(psid, template(overrides));
      expect(response.status, JSON.stringify(overrides)).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(message);
    }
    expect((await sendRaw(psid, template())).status).toBe(200);
  });

  it('refuses the CUSTOMER_FEEDBACK tag on anything else, a RESPONSE after 24 h, and Instagram', async () => {
    const { psid } = await directConversation(stack, PAGE.id, 'Tags');
    const tagged = { messaging_type: 'MESSAGE_TAG', tag: 'CUSTOMER_FEEDBACK' };
    const text = await graph(emu, 'POST', `${PAGE.id}/messages`, {
      body: { recipient: { id: psid }, message: { text: 'hi' }, ...tagged },
    });
    expect(text.status).toBe(400);
    expect(JSON.stringify(text.body)).toMatch(/only allowed with the customer feedback template/);
    emu.clock.advance(2 * DAY);
    expect((await sendRaw(psid, template())).status).toBe(400);
    expect((await sendRaw(psid, template(), tagged)).status).toBe(200);
    const insta = await directConversation(stack, IG.id, 'Insta2');
    const ig = await graph(emu, 'POST', `${IG.id}/messages`, {
      token: IG.accessToken,
      body: {
        recipient: { id: insta.psid },
        messaging_type: 'RESPONSE',
        message: { attachment: template() },
      },
    });
    expect(ig.status).toBe(400);
    expect(JSON.stringify(ig.body)).toMatch(/only available on Messenger/);
  });
});
