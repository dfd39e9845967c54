import { describe, expect, it } from 'vitest';
import {
  GraphError,
  PermissionError,
  RateLimitError,
  RecipientUnavailableError,
  ThreadControlError,
  TokenError,
  WindowClosedError,
} from '../../errors.js';
import { graphErrorFrom, isRateLimitCode, parseUsageHeaders, redact } from '../graphErrors.js';
import { metaError } from './graphStandin.js';

type Row = [
  code: number,
  subcode: number | undefined,
  type: new (...args: never[]) => GraphError,
  retryable: boolean,
];

// Every code / subcode of docs/meta-platform.md, with the class and retry classification expected.
const table: Row[] = [
  [1, undefined, GraphError, true],
  [1, 99, GraphError, true],
  [1, 1357046, GraphError, true],
  [2, undefined, GraphError, true],
  [2, 2018344, GraphError, false],
  [4, undefined, RateLimitError, true],
  [4, 2018022, RateLimitError, true],
  [4, 2018354, RateLimitError, true],
  [9, 2018352, GraphError, false],
  [10, 2018278, WindowClosedError, false],
  [10, 2534022, WindowClosedError, false],
  [10, 2018065, PermissionError, false],
  [10, 2018108, RecipientUnavailableError, false],
  [10, 1893063, PermissionError, false],
  [10, undefined, PermissionError, false],
  [17, undefined, RateLimitError, true],
  [32, undefined, RateLimitError, true],
  [100, undefined, GraphError, false],
  [100, 33, GraphError, false],
  [100, 2018001, RecipientUnavailableError, false],
  [100, 2018008, GraphError, false],
  [100, 2018047, GraphError, false],
  [100, 2018074, GraphError, false],
  [100, 2018109, GraphError, false],
  [100, 2018294, GraphError, false],
  [100, 2534013, GraphError, false],
  [100, 2534037, GraphError, false],
  [102, undefined, TokenError, false],
  [190, undefined, TokenError, false],
  [190, 458, TokenError, false],
  [190, 459, TokenError, false],
  [190, 460, TokenError, false],
  [190, 463, TokenError, false],
  [190, 464, TokenError, false],
  [190, 467, TokenError, false],
  [190, 492, TokenError, false],
  [200, undefined, PermissionError, false],
  [200, 1545041, RecipientUnavailableError, false],
  [200, 2018021, PermissionError, false],
  [200, 2018027, PermissionError, false],
  [200, 2018028, PermissionError, false],
  [200, 2534041, PermissionError, false],
  [230, undefined, PermissionError, false],
  [299, undefined, PermissionError, false],
  [341, undefined, RateLimitError, true],
  [368, undefined, GraphError, false],
  [551, undefined, RecipientUnavailableError, false],
  [551, 1545041, RecipientUnavailableError, false],
  [613, undefined, RateLimitError, true],
  [613, 1893016, RateLimitError, true],
  [613, 2018338, PermissionError, false],
  [613, 2534040, RateLimitError, true],
  [1200, undefined, GraphError, true],
  [2018218, undefined, GraphError, false],
  [2018300, undefined, ThreadControlError, false],
  [10, 2018300, ThreadControlError, false],
  [2018321, undefined, GraphError, false],
  [2022, undefined, GraphError, false],
  [9000001, undefined, GraphError, false],
  [10303, undefined, GraphError, false],
  [10900, undefined, GraphError, false],
  [10903, undefined, GraphError, false],
  [10904, undefined, GraphError, false],
  [80001, undefined, RateLimitError, true],
  [80002, undefined, RateLimitError, true],
  [80006, undefined, RateLimitError, true],
];

describe('graphErrorFrom', () => {
  it.each(table)('maps code %s / subcode %s', (code, subcode, type, retryable) => {
    const error = graphErrorFrom(metaError(code, subcode, 'Some text'), { status: 400 });
    expect(error).toBeInstanceOf(type);
    // A subclass must not be mistaken for a more specific one: check the exact class.
    expect(error.constructor).toBe(type);
    expect(error.retryable).toBe(retryable);
    expect(error.graphCode).toBe(code);
    expect(error.subcode).toBe(subcode);
    expect(error.fbtraceId).toBe('AbCdEf123');
    expect(error.status).toBe(400);
  });

  it.each([
    [458, 'app_removed'],
    [459, 'checkpoint'],
    [460, 'password_changed'],
    [463, 'expired'],
    [467, 'invalid'],
    [492, 'session_invalid'],
    [undefined, 'invalid'],
  ] as const)('names the token error cause for subcode %s', (subcode, reason) => {
    const error = graphErrorFrom(metaError(190, subcode)) as TokenError;
    expect(error.reason).toBe(reason);
    expect(error.code).toBe(`token_${reason}`);
  });

  it('ignores the message text: a window-sounding text with code 100 stays a GraphError', () => {
    const error = graphErrorFrom(
      metaError(100, undefined, '(#10) This message is sent outside of allowed window'),
    );
    expect(error.constructor).toBe(GraphError);
  });

  it('treats is_transient and 5xx as retryable', () => {
    expect(graphErrorFrom(metaError(3, undefined, 'x', { is_transient: true })).retryable).toBe(true);
    expect(graphErrorFrom(metaError(3), { status: 503 }).retryable).toBe(true);
    expect(graphErrorFrom(metaError(3), { status: 400 }).retryable).toBe(false);
  });

  it('maps a body that is not Meta JSON by HTTP status', () => {
    expect(graphErrorFrom('<html>', { status: 502 }).retryable).toBe(true);
    expect(graphErrorFrom(undefined, { status: 404 }).retryable).toBe(false);
  });

  it('takes the rate-limit wait from X-Business-Use-Case-Usage', () => {
    const headers = new Headers({
      'x-business-use-case-usage': JSON.stringify({
        '123': [
          {
            type: 'messenger',
            call_count: 100,
            total_time: 20,
            total_cputime: 10,
            estimated_time_to_regain_access: 3,
          },
        ],
      }),
    });
    const error = graphErrorFrom(metaError(80006), { status: 400, headers }) as RateLimitError;
    expect(error.retryAfterMs).toBe(180_000);
  });

  it('takes the rate-limit wait from Retry-After when there is no BUC header', () => {
    const error = graphErrorFrom(metaError(4), { status: 429, headers: new Headers({ 'retry-after': '7' }) });
    expect((error as RateLimitError).retryAfterMs).toBe(7000);
  });

  it('redacts tokens from messages', () => {
    const error = graphErrorFrom(
      metaError(100, undefined, 'bad url https://x/?access_token=EAABsecret123&appsecret_proof=abc'),
      {},
      ['EAABsecret123'],
    );
    expect(error.message).not.toContain('EAABsecret123');
    expect(error.message).not.toContain('abc');
  });
});

describe('parseUsageHeaders', () => {
  it('reads X-App-Usage and reports the highest percentage', () => {
    const usage = parseUsageHeaders(
      new Headers({ 'x-app-usage': JSON.stringify({ call_count: 28, total_time: 91, total_cputime: 25 }) }),
    );
    expect(usage?.app).toEqual({ callCount: 28, totalTime: 91, totalCputime: 25 });
    expect(usage?.maxPercent).toBe(91);
  });

  it('ignores malformed JSON and absent headers', () => {
    expect(parseUsageHeaders(new Headers({ 'x-app-usage': '{nope' }))).toBeUndefined();
    expect(parseUsageHeaders(new Headers())).toBeUndefined();
  });
});

describe('redact', () => {
  it('removes every secret-bearing parameter and literal secrets', () => {
    const text = redact(
      'me?access_token=AAA&appsecret_proof=BBB&client_secret=CCC&fb_exchange_token=DDD&input_token=EEE and S3cretValue!',
      ['S3cretValue!'],
    );
    for (const secret of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE', 'S3cretValue!'])
      expect(text).not.toContain(secret);
  });
});

describe('isRateLimitCode', () => {
  it('excludes the tag-misuse warning', () => {
    expect(isRateLimitCode(613)).toBe(true);
    expect(isRateLimitCode(613, 2018338)).toBe(false);
    expect(isRateLimitCode(undefined)).toBe(false);
  });
});
