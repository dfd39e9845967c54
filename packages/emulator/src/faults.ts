import { parseOrThrow } from '@pagedesk/core';
import { MetaError } from './metaError.js';
import { type FaultsInput, faultsSchema } from './options.js';

// Fault injection for Graph calls: the failures a helpdesk must survive (docs/meta-platform.md),
// on demand. Counted faults apply to the next N matching calls and then stop by themselves.

export type FaultAction = { kind: 'none' } | { kind: 'timeout' } | { kind: 'error'; error: MetaError };

interface FaultState {
  latencyMs: number;
  status5xx: number;
  transient1200: number;
  rateLimit: { count: number; code: number; retryAfterMinutes: number };
  timeout: number;
  scope: { path?: string | undefined; pageId?: string | undefined };
}

const empty = (): FaultState => ({
  latencyMs: 0,
  status5xx: 0,
  transient1200: 0,
  rateLimit: { count: 0, code: 613, retryAfterMinutes: 1 },
  timeout: 0,
  scope: {},
});

/** Remaining fault counts, as `faults.get()` reports them. */
export interface FaultsSnapshot {
  latencyMs: number;
  status5xx: number;
  transient1200: number;
  rateLimit: number;
  timeout: number;
  scope: { path?: string; pageId?: string };
}

export class Faults {
  private state = empty();

  /** Replaces the fault settings (fields not given are cleared). */
  set(input: FaultsInput): FaultsSnapshot {
    const parsed = parseOrThrow(faultsSchema, input, 'faults');
    const next = empty();
    next.latencyMs = parsed.latencyMs ?? 0;
    next.status5xx = parsed.status5xx ?? 0;
    next.transient1200 = parsed.transient1200 ?? 0;
    next.timeout = parsed.timeout ?? 0;
    if (typeof parsed.rateLimit === 'number')
      next.rateLimit = { count: parsed.rateLimit, code: 613, retryAfterMinutes: 1 };
    else if (parsed.rateLimit) next.rateLimit = parsed.rateLimit;
    next.scope = { ...parsed.scope };
    this.state = next;
    return this.get();
  }

  clear(): void {
    this.state = empty();
  }

  get(): FaultsSnapshot {
    const s = this.state;
    return {
      latencyMs: s.latencyMs,
      status5xx: s.status5xx,
      transient1200: s.transient1200,
      rateLimit: s.rateLimit.count,
      timeout: s.timeout,
      scope: {
        ...(s.scope.path === undefined ? {} : { path: s.scope.path }),
        ...(s.scope.pageId === undefined ? {} : { pageId: s.scope.pageId }),
      },
    };
  }

  matches(path: string, pageId: string | undefined): boolean {
    const { scope } = this.state;
    if (scope.path !== undefined && !path.includes(scope.path)) return false;
    if (scope.pageId !== undefined && scope.pageId !== pageId) return false;
    return true;
  }

  latency(path: string, pageId: string | undefined): number {
    return this.matches(path, pageId) ? this.state.latencyMs : 0;
  }

  /** Consumes one matching fault, if any, and says what to do with this call. */
  take(method: string, path: string, pageId: string | undefined): FaultAction {
    const s = this.state;
    if (!this.matches(path, pageId)) return { kind: 'none' };
    if (s.timeout > 0) {
      s.timeout--;
      return { kind: 'timeout' };
    }
    if (s.status5xx > 0) {
      s.status5xx--;
      return {
        kind: 'error',
        error: new MetaError(503, 2, 'An unexpected error has occurred. Please retry your request later.', {
          transient: true,
        }),
      };
    }
    // 1200 is a Send API failure, so it only hits message sends.
    if (s.transient1200 > 0 && method === 'POST' && /\/messages$/.test(path)) {
      s.transient1200--;
      return {
        kind: 'error',
        error: new MetaError(500, 1200, 'Temporary send message failure. Please try again later.', {
          transient: true,
        }),
      };
    }
    if (s.rateLimit.count > 0) {
      s.rateLimit.count--;
      const { code, retryAfterMinutes } = s.rateLimit;
      const usage = {
        [pageId ?? 'app']: [
          {
            type: 'messenger',
            call_count: 100,
            total_cputime: 100,
            total_time: 100,
            estimated_time_to_regain_access: retryAfterMinutes,
          },
        ],
      };
      const messages: Record<number, string> = {
        4: '(#4) Application request limit reached',
        17: '(#17) User request limit reached',
        32: '(#32) Page request limit reached',
        613: '(#613) Calls to this api have exceeded the rate limit.',
        80006:
          '(#80006) There have been too many messages sent to this Messenger account. Please wait a while before sending more messages.',
      };
      return {
        kind: 'error',
        error: new MetaError(400, code, messages[code] ?? `(#${code}) Rate limit reached`, {
          ...(code === 613 ? { subcode: 1893016 } : {}),
          headers: {
            'x-business-use-case-usage': JSON.stringify(usage),
            'x-app-usage': JSON.stringify({ call_count: 100, total_time: 100, total_cputime: 100 }),
          },
        }),
      };
    }
    return { kind: 'none' };
  }
}
