import { type Channel, PagedeskError } from '@pagedesk/core';
import * as z from 'zod/mini';

// Who is asking, and what they may see. Every route turns the host's `authorize` verdict into a
// principal first; everything the API reads or writes is then checked against `canSee`.

/**
 * The signed-in user of one request, as the host's `authorize` returns it.
 *
 * - `organizationId`: the tenant. Only channels of this organisation are visible; without it (a
 *   single-tenant host) only channels that have no organisation.
 * - `agentId`: the author of the messages this request sends; an `agent` sees the channels whose
 *   `settings.agentIds` is empty or names it.
 * - `role`: `admin` sees every channel of the organisation and may change channels and connect pages.
 */
export interface InboxPrincipal {
  organizationId?: string;
  agentId?: string;
  role: 'agent' | 'admin';
}

/** What `authorize` returns: the principal, or `false`/`null` for "not signed in" (401). */
export type AuthorizeResult = InboxPrincipal | false | null;

const idSchema = z.string().check(z.minLength(1), z.maxLength(200));
const principalSchema = z.object({
  organizationId: z.optional(idSchema),
  agentId: z.optional(idSchema),
  role: z.enum(['agent', 'admin']),
});

/** The request carries no valid session: the host's `authorize` returned false or null. */
export class UnauthorizedError extends PagedeskError {
  constructor() {
    super('unauthorized', 'Not signed in');
    this.name = 'UnauthorizedError';
  }
}

/** A signed-in principal asked for something its role does not allow (an agent changing a channel). */
export class ForbiddenError extends PagedeskError {
  constructor(what: string) {
    super('forbidden', `${what} needs the admin role`);
    this.name = 'ForbiddenError';
  }
}

const EXPECTED = "{ organizationId?: string, agentId?: string, role: 'agent' | 'admin' }, false or null";

function shown(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value)?.slice(0, 120) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/**
 * The principal in the host's verdict. `false`/`null` → UnauthorizedError (401); anything else that
 * is not a principal (`true`, `undefined`, a typo in `role`) is a bug in the host → an internal error
 * (500) whose message names the expected shape, so the host finds it in `onError` at once.
 */
export function toPrincipal(verdict: unknown): InboxPrincipal {
  if (verdict === false || verdict === null) throw new UnauthorizedError();
  const parsed = z.safeParse(principalSchema, verdict);
  if (!parsed.success)
    throw new PagedeskError('internal', `authorize() must return ${EXPECTED}; it returned ${shown(verdict)}`);
  const { organizationId, agentId, role } = parsed.data;
  return {
    role,
    ...(organizationId === undefined ? {} : { organizationId }),
    ...(agentId === undefined ? {} : { agentId }),
  };
}

/**
 * Whether the principal may see the channel: same organisation (both without one counts), and for an
 * agent a channel whose `agentIds` is empty or names it.
 */
export function canSee(principal: InboxPrincipal, channel: Channel): boolean {
  if ((channel.organizationId ?? undefined) !== principal.organizationId) return false;
  if (principal.role === 'admin') return true;
  const { agentIds } = channel.settings;
  return agentIds.length === 0 || (principal.agentId !== undefined && agentIds.includes(principal.agentId));
}

/** Throws ForbiddenError unless the principal is an admin. */
export function requireAdmin(principal: InboxPrincipal, what: string): void {
  if (principal.role !== 'admin') throw new ForbiddenError(what);
}
