import { describe, expect, it } from 'vitest';
import { createRouter } from '../router.js';

describe('createRouter', () => {
  const router = createRouter([
    { method: 'GET', path: '/_emulator/customers', handler: 'list' },
    { method: 'GET', path: '/_emulator/customers/:id', handler: 'get' },
    { method: 'POST', path: '/_emulator/customers/:id/send', handler: 'send' },
  ]);

  it('matches method and path segment by segment, decoding parameters', () => {
    expect(router.match('GET', '/_emulator/customers')).toEqual({ handler: 'list', params: {} });
    expect(router.match('GET', '/_emulator/customers/a%20b')).toEqual({
      handler: 'get',
      params: { id: 'a b' },
    });
    expect(router.match('POST', '/_emulator/customers/42/send/')).toEqual({
      handler: 'send',
      params: { id: '42' },
    });
  });

  it('matches nothing for another method, another length or a malformed escape', () => {
    expect(router.match('DELETE', '/_emulator/customers')).toBeUndefined();
    expect(router.match('GET', '/_emulator/customers/42/send')).toBeUndefined();
    expect(router.match('GET', '/_emulator')).toBeUndefined();
    expect(router.match('GET', '/_emulator/customers/%E0%A4%A')).toBeUndefined();
  });
});
