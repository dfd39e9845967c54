import { ValidationError } from '@pagedesk/core';
import { testEntities } from '@pagedesk/core/testing';
import { describe, expect, it } from 'vitest';
import { failedRepliesOf, parseAnswer } from '../browserChecks.js';

// The kit's on-demand checks (browserChecks.ts): what the transport and this browser's storage rely on.
describe('browserChecks', () => {
  it('keeps each stored failed reply that checks, and only those', () => {
    const message = testEntities.message({ id: 'm1', delivery: 'failed' });
    const good = { message, draft: { text: 'hello', clientId: 'm1' } };
    const stored = [good, { message: { id: 'm2' }, draft: {} }, 'not a reply', null];
    expect(failedRepliesOf(stored)).toEqual([good]);
    expect(failedRepliesOf({ not: 'a list' })).toEqual([]);
  });

  it('names the answer and the wrong field of a malformed answer', () => {
    const thrown = (() => {
      try {
        parseAnswer('channels', [{ id: 1 }], 'response of GET /channels');
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toMatch(
      /^Invalid response of GET \/channels: \[0\]\.id: expected string/,
    );
    expect(parseAnswer('sendResult', { messages: [] }, 'x')).toEqual({ messages: [] });
  });
});
