import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { MessengerEvent } from '../events.js';
import { validateEvent } from '../inbox/validation.js';
import { zodIssues } from '../issues.js';
import { testEvents as ev } from '../testing.js';

function issuesOf(event: unknown): Array<{ path: string; message: string }> {
  try {
    validateEvent(event);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError & { issues: Array<{ path: string; message: string }> }).issues;
  }
  throw new Error('expected a ValidationError');
}

describe('validateEvent (the inbox boundary)', () => {
  it('accepts a valid event of every kind, returning it as it is', () => {
    const events: MessengerEvent[] = [
      ev.message({ attachments: [{ kind: 'image', url: 'https://cdn/i.png' }] }),
      ev.echo(),
      ev.edit({ mid: 'm1' }),
      ev.unsend({ mid: 'm1' }),
      ev.reaction({ mid: 'm1' }),
      ev.postback(),
      ev.read(),
      ev.delivery(),
      ev.referral(),
      ev.optin(),
      ev.handover(),
      ev.policyEnforcement(),
      ev.comment(),
      ev.unknown(),
    ];
    for (const event of events) expect(validateEvent(event)).toBe(event);
  });

  it('names every wrong field, nested ones with their path', () => {
    expect(issuesOf({ ...ev.message(), mid: 42, timestamp: Number.NaN })).toEqual([
      { path: 'timestamp', message: 'expected number' },
      { path: 'mid', message: 'expected string' },
    ]);
    expect(issuesOf({ ...ev.delivery(), mids: ['a', 7] })).toEqual([
      { path: 'mids[1]', message: 'expected string' },
    ]);
    expect(issuesOf({ ...ev.comment(), from: { id: '' } })).toEqual([
      { path: 'from.id', message: 'must be at least 1 in length' },
    ]);
    expect(issuesOf({ ...ev.reaction({ mid: 'm1' }), action: 'like' })).toEqual([
      { path: 'action', message: 'expected one of "react", "unreact"' },
    ]);
    expect(issuesOf({ ...ev.message(), customerId: null })).toEqual([
      { path: 'customerId', message: 'expected string' },
    ]);
  });

  it('checks attachments with the model schema, naming the attachment', () => {
    const issues = issuesOf({
      ...ev.message(),
      attachments: [{ kind: 'image', url: 'u' }, { kind: 'nope' }],
    });
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.path.startsWith('attachments[1]'))).toBe(true);
  });

  it('rejects a missing or unknown kind, and a non-object, naming kind', () => {
    for (const bad of [null, 42, {}, { kind: 'nonsense' }, { kind: 'toString' }]) {
      expect(issuesOf(bad)[0]?.path).toBe('kind');
    }
  });
});

describe('ValidationError from a zod parse (zodIssues)', () => {
  it('names each failed field of a zod parse by its path (a.b[0].c), and the whole input', () => {
    const result = z
      .object({
        retry: z.object({ limit: z.number().int() }),
        name: z.string(),
        pages: z.array(z.object({ id: z.string() })),
      })
      .safeParse({ retry: { limit: 1.5 }, name: 3, pages: [{ id: 'P' }, { id: 7 }] });
    if (result.success) throw new Error('expected the parse to fail');
    const error = new ValidationError('options', zodIssues(result.error));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((i) => i.path)).toEqual(['retry.limit', 'name', 'pages[1].id']);
    expect(error.message).toMatch(/^Invalid options: retry\.limit: .+; name: .+/);
  });
});
