import { randomBytes } from 'node:crypto';
import type { RevokeReason } from './options.js';
import type { PageState, World } from './world.js';

// Page tokens: new ones, and whether one still works (Meta's 190 subcodes).
// https://developers.facebook.com/docs/graph-api/guides/error-handling

/** The 190 subcode Meta answers for each way a token stops working (`permission_revoked` keeps it valid). */
export const subcodes: Record<RevokeReason, number> = {
  expired: 463,
  password_changed: 460,
  app_removed: 458,
  permission_revoked: 0,
  session_invalid: 492,
  checkpoint: 459,
  invalid: 467,
};

/** A new page token. */
export function newToken(): string {
  return `EAAG${randomBytes(30).toString('base64url')}`;
}

/** The page's token state: null when valid, else the Meta 190 subcode and reason. */
export function tokenProblem(
  world: World,
  page: PageState,
): { reason: RevokeReason; subcode: number } | null {
  if (page.revoked && page.revoked !== 'permission_revoked')
    return { reason: page.revoked, subcode: subcodes[page.revoked] };
  if (page.tokenExpiresAt !== undefined && page.tokenExpiresAt <= world.clock.now())
    return { reason: 'expired', subcode: 463 };
  return null;
}
