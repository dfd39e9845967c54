import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { emailPattern, rule, wholeNumber } from '../checks.js';
import { zodIssues } from '../issues.js';
import { customerDetailsPatchSchema } from '../model.js';
import { replyTemplateInputSchema } from '../templates.js';

const issuesOf = (schema: z.ZodMiniType, value: unknown) => {
  const result = schema.safeParse(value);
  return result.success ? [] : zodIssues(result.error);
};

describe('shared checks', () => {
  it('rule adds the issue z.refine would, and later checks still run', () => {
    const schema = z.string().check(
      rule((v: string) => v.startsWith('a'), 'must start with a'),
      z.minLength(3),
    );
    expect(schema.safeParse('abc').success).toBe(true);
    const result = schema.safeParse('b');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.code, i.message])).toEqual([
      ['custom', 'must start with a'],
      ['too_small', 'Invalid input'],
    ]);
  });

  it('wholeNumber takes integers only, with the message the rules use', () => {
    const schema = z.number().check(wholeNumber());
    expect(schema.safeParse(3).success).toBe(true);
    expect(schema.safeParse(-0).success).toBe(true);
    expect(issuesOf(schema, 2.5)).toEqual([{ path: '', message: 'expected a whole number' }]);
  });

  it('emailPattern is the pattern z.email() checks', () => {
    const ours = z.string().check(z.regex(emailPattern));
    for (const value of [
      'ana@example.com',
      "o'neil+tag@mail.example.co",
      'a@b',
      'a@@b.com',
      'a.@b.com',
      ' a@b.com',
    ]) {
      expect(ours.safeParse(value).success, value).toBe(z.email().safeParse(value).success);
    }
  });

  it('a customer patch names a bad email and a template part with nothing in it', () => {
    expect(issuesOf(customerDetailsPatchSchema, { email: 'not an email' })).toEqual([
      { path: 'email', message: 'invalid email' },
    ]);
    expect(
      issuesOf(replyTemplateInputSchema, { name: 'Hi', parts: [{ text: '  ' }], channelIds: null }),
    ).toEqual([{ path: 'parts[0]', message: 'a part needs text or an attachment' }]);
  });
});
