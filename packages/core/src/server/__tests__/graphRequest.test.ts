import { describe, expect, it } from 'vitest';
import { RateLimitError, WindowClosedError } from '../../errors.js';
import { metaError } from './graphStandin.js';
import { testClient, useGraphStandin } from './graphTestClient.js';

const env = useGraphStandin();

describe('retries', () => {
  it('retries a transient 1200 with backoff, then succeeds', async () => {
    let calls = 0;
    env.standin.handle(() =>
      ++calls < 3
        ? { status: 400, json: metaError(1200, undefined, 'Temporary send message failure') }
        : { json: { recipient_id: 'PSID', message_id: 'm_ok' } },
    );
    const { page, sleeps, logs } = testClient(env.standin);
    const result = await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    expect(result.messageId).toBe('m_ok');
    expect(calls).toBe(3);
    // 500 ms then 1000 ms steps with equal jitter at random() = 0.5.
    expect(sleeps).toEqual([375, 750]);
    expect(logs.map((l) => l.willRetry)).toEqual([true, true, false]);
  });

  it('retries a 5xx GET and a dropped connection on GET', async () => {
    let calls = 0;
    env.standin.handle(() => {
      calls++;
      if (calls === 1)
        return { status: 500, json: metaError(2, undefined, 'Service temporarily unavailable') };
      if (calls === 2) return { hangUp: true };
      return { json: { id: 'PSID', name: 'Ana Lima' } };
    });
    const { page } = testClient(env.standin);
    await expect(page.profile('PSID', 'messenger')).resolves.toMatchObject({ name: 'Ana Lima' });
    expect(calls).toBe(3);
  });

  it('does not retry a non-retryable error', async () => {
    env.standin.handle(() => ({ status: 400, json: metaError(10, 2018278, 'outside of allowed window') }));
    const { page, sleeps } = testClient(env.standin);
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).rejects.toBeInstanceOf(WindowClosedError);
    expect(env.standin.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('stops after the retry limit', async () => {
    env.standin.handle(() => ({ status: 400, json: metaError(2) }));
    const { page } = testClient(env.standin, { retry: { limit: 2 } });
    await expect(page.subscribedApps()).rejects.toMatchObject({ graphCode: 2, retryable: true });
    expect(env.standin.requests).toHaveLength(3);
  });

  it('honours estimated_time_to_regain_access before retrying a rate limit', async () => {
    let calls = 0;
    env.standin.handle(() =>
      ++calls === 1
        ? {
            status: 400,
            json: metaError(80006, undefined, 'rate limited'),
            headers: {
              'x-business-use-case-usage': JSON.stringify({
                PAGE1: [
                  {
                    type: 'messenger',
                    call_count: 100,
                    total_time: 5,
                    total_cputime: 5,
                    estimated_time_to_regain_access: 1,
                  },
                ],
              }),
            },
          }
        : { json: { recipient_id: 'PSID', message_id: 'm_2' } },
    );
    const { page, sleeps, logs } = testClient(env.standin);
    await page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' });
    expect(sleeps).toEqual([60_000]);
    expect(logs[0]!.usage?.business?.[0]?.estimatedTimeToRegainAccess).toBe(1);
  });

  it('throws a rate limit at once when Meta asks for a longer wait than allowed', async () => {
    env.standin.handle(() => ({
      status: 400,
      json: metaError(4),
      headers: {
        'x-business-use-case-usage': JSON.stringify({ PAGE1: [{ estimated_time_to_regain_access: 30 }] }),
      },
    }));
    const { page, sleeps } = testClient(env.standin);
    const error = await page.subscribedApps().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfterMs).toBe(1_800_000);
    expect(sleeps).toEqual([]);
  });

  it('never repeats a Send API POST that timed out: outcome_unknown', async () => {
    env.standin.handle(() => ({ delayMs: 1000, json: { recipient_id: 'PSID', message_id: 'm_late' } }));
    const { page } = testClient(env.standin, { timeoutMs: 250 });
    const error = await page
      .send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'outcome_unknown', retryable: true });
    expect(env.standin.requests).toHaveLength(1);
  });

  it('does not repeat a Send API POST after a 502 without Meta error JSON', async () => {
    env.standin.handle(() => ({ status: 502, json: undefined }));
    const { page } = testClient(env.standin);
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).rejects.toMatchObject({ code: 'outcome_unknown' });
    expect(env.standin.requests).toHaveLength(1);
  });

  it('retries a POST when the connection was refused (it never reached Meta)', async () => {
    const attempts: string[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      attempts.push('x');
      if (attempts.length === 1) throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
      return fetch(input, init);
    };
    env.standin.handle(() => ({ json: { recipient_id: 'PSID', message_id: 'm_3' } }));
    const { page } = testClient(env.standin, { fetch: fetchStub });
    await expect(
      page.send({ recipient: { id: 'PSID' }, messagingType: 'RESPONSE', text: 'hi' }),
    ).resolves.toMatchObject({ messageId: 'm_3' });
    expect(attempts).toHaveLength(2);
  });
});
