import { describe, expect, it } from 'vitest';
import { RuleViolationError, ValidationError } from '../errors.js';
import {
  checkTemplate,
  renderTemplate,
  TemplateVariableError,
  templateContext,
  templateDrafts,
  templateVariables,
} from '../templates.js';
import { testEntities } from '../testing.js';

const file = (overrides: Partial<{ name: string; type: string; size: number }> = {}) => ({
  id: 'up_1',
  name: 'menu.pdf',
  type: 'application/pdf',
  size: 1000,
  url: 'https://help.example/pagedesk/uploads/up_1',
  ...overrides,
});

describe('renderTemplate', () => {
  it('fills known variables, with spaces inside the braces and fallbacks', () => {
    const parts = renderTemplate(
      {
        parts: [
          { text: 'Hi {{ customer.firstName }}, I am {{agent.name|your agent}} at {{channel.name}}.' },
          { attachments: [file()], quickReplies: [{ title: 'Yes', payload: 'YES' }] },
        ],
      },
      { customer: { firstName: 'Ana' }, channel: { name: 'Acme' } },
    );
    expect(parts).toEqual([
      { text: 'Hi Ana, I am your agent at Acme.' },
      { attachments: [file()], quickReplies: [{ title: 'Yes', payload: 'YES' }] },
    ]);
  });

  it('refuses unknown variables and known ones without a value, naming each once', () => {
    const render = () =>
      renderTemplate(
        { parts: [{ text: '{{customer.age}} {{customer.firstName}} {{customer.firstName}} {{order.id}}' }] },
        { customer: { firstName: '  ' } },
      );
    expect(render).toThrow(TemplateVariableError);
    try {
      render();
    } catch (error) {
      expect(error).toMatchObject({
        code: 'template_variable',
        unknown: ['customer.age', 'order.id'],
        missing: ['customer.firstName'],
      });
      expect((error as Error).message).toContain('customer.age, order.id');
    }
  });

  it('leaves text without variables and single braces alone', () => {
    expect(renderTemplate({ parts: [{ text: 'a {b} {{ } c' }] }, {})).toEqual([{ text: 'a {b} {{ } c' }]);
    expect(templateVariables('{{a}} {{ b | x }} {{a}}')).toEqual(['a', 'b']);
  });
});

describe('templateContext', () => {
  it('fills from the profile with what agents recorded over it, the agent and the channel', () => {
    const customer = {
      name: 'Ana Maria Souza',
      firstName: 'Ana',
      details: { name: 'Ana M.', email: 'ana@example.com', updatedAt: 1 },
    };
    const context = templateContext({ customer, channel: { name: 'Acme' }, agentName: 'Sam' });
    expect(
      renderTemplate(
        {
          parts: [
            {
              text: '{{customer.name}} {{customer.firstName}} {{customer.email}} {{agent.name}} {{channel.name}}',
            },
          ],
        },
        context,
      ),
    ).toEqual([{ text: 'Ana M. Ana ana@example.com Sam Acme' }]);
    expect(() => renderTemplate({ parts: [{ text: '{{customer.phone}}' }] }, context)).toThrow(
      TemplateVariableError,
    );
    expect(
      renderTemplate({ parts: [{ text: 'Hi {{customer.firstName|there}}' }] }, templateContext({})),
    ).toEqual([{ text: 'Hi there' }]);
  });
});

describe('templateDrafts', () => {
  it('makes one send draft per part, in order, without empty fields', () => {
    expect(templateDrafts([{ text: 'one' }, { text: ' ', attachments: [file()], quickReplies: [] }])).toEqual(
      [{ text: 'one' }, { attachments: [file()] }],
    );
  });
});

describe('checkTemplate', () => {
  const messenger = testEntities.channel();
  const instagram = testEntities.channel({ id: 'IG_1', platform: 'instagram', name: 'Acme IG' });

  it('accepts a template that fits every channel in scope and returns it parsed', () => {
    const input = {
      name: ' Greeting ',
      parts: [{ text: 'Hi {{customer.firstName|there}}' }],
      channelIds: null,
    };
    expect(checkTemplate(input, [messenger, instagram])).toEqual({ ...input, name: 'Greeting' });
  });

  it('refuses more than five parts, empty parts and long quick reply titles, naming the field', () => {
    const parts = Array.from({ length: 6 }, () => ({ text: 'x' }));
    expect(() => checkTemplate({ name: 'n', parts, channelIds: null }, [])).toThrow(/parts/);
    expect(() => checkTemplate({ name: 'n', parts: [{ text: ' ' }], channelIds: null }, [])).toThrow(
      ValidationError,
    );
    expect(() =>
      checkTemplate(
        {
          name: 'n',
          parts: [{ text: 'x', quickReplies: [{ title: 'x'.repeat(21), payload: 'p' }] }],
          channelIds: null,
        },
        [],
      ),
    ).toThrow(/parts\[0\]\.quickReplies\[0\]\.title/);
  });

  it("refuses a text over one channel's limit, naming the part and the channel", () => {
    // 990 characters fit Messenger's 2000 but, with the variable counted at 40, not Instagram's 1000 bytes.
    const input = {
      name: 'Long',
      parts: [{ text: 'ok' }, { text: `${'a'.repeat(990)} {{customer.firstName}}` }],
      channelIds: null,
    };
    expect(() => checkTemplate(input, [messenger])).not.toThrow();
    expect(() => checkTemplate(input, [messenger, instagram])).toThrow(RuleViolationError);
    expect(() => checkTemplate(input, [instagram])).toThrow(/Part 2 on Acme IG.*at most 1000/);
  });

  it("applies the channel's own settings and attachment rules", () => {
    const strict = testEntities.channel({
      settings: { ...messenger.settings, textMaxLength: 100, attachmentMaxBytes: { file: 500 } },
    });
    expect(() =>
      checkTemplate({ name: 'n', parts: [{ text: 'x'.repeat(120) }], channelIds: null }, [strict]),
    ).toThrow(/at most 100/);
    expect(() =>
      checkTemplate({ name: 'n', parts: [{ attachments: [file()] }], channelIds: null }, [strict]),
    ).toThrow(expect.objectContaining({ rule: 'too_large', limit: 500 }));
    expect(() =>
      checkTemplate(
        {
          name: 'n',
          parts: [
            {
              attachments: [
                file({
                  name: 'a.docx',
                  type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                }),
              ],
            },
          ],
          channelIds: null,
        },
        [instagram],
      ),
    ).toThrow(
      expect.objectContaining({
        rule: 'type_not_allowed',
        message: expect.stringContaining('Part 1 on Acme IG'),
      }),
    );
  });

  it('refuses unknown variables before any channel is looked at', () => {
    expect(() =>
      checkTemplate({ name: 'n', parts: [{ text: '{{customer.shoeSize}}' }], channelIds: null }, []),
    ).toThrow(TemplateVariableError);
  });
});
