import { describe, expect, it } from 'vitest';
import { zodIssues } from '../issues.js';
import { liveEventSchema } from '../transport.js';

// A failed union of tagged objects names the field that is wrong in the member its tag picks, or the
// tag itself when no member has it: never just "invalid input" at the whole value.

const pathsOf = (value: unknown) => {
  const result = liveEventSchema.safeParse(value);
  if (result.success) throw new Error('expected a failure');
  return zodIssues(result.error);
};

describe('narrowUnionIssues', () => {
  it('points at the missing field of the member the tag names', () => {
    expect(pathsOf({ seq: 1, type: 'typing', on: true })).toEqual([
      { path: 'conversationId', message: expect.any(String) },
    ]);
  });

  it('points at the tag when no member has it, listing the tags it may take', () => {
    const [issue, ...rest] = pathsOf({ seq: 1, type: 'nonsense' });
    expect(rest).toEqual([]);
    expect(issue?.path).toBe('type');
    expect(issue?.message).toMatch(/^expected one of .*typing/);
  });

  it('leaves a value that is not an object as one issue at the root', () => {
    expect(pathsOf('not an event').map((i) => i.path)).toEqual(['']);
  });
});
