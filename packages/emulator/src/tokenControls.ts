import { parseOrThrow } from '@pagedesk/core';
import type { Emulator } from './emulatorTypes.js';
import { revokeReasonSchema } from './options.js';
import { newToken, tokenProblem } from './tokens.js';
import type { PageState, World } from './world.js';

// `emulator.tokens`: the test controls that break, expire and reissue a page's token, as a password
// change, an app removal or an admin reconnecting would.

const messagingScope = (page: PageState) =>
  page.platform === 'instagram' ? 'instagram_manage_messages' : 'pages_messaging';

/** The `emulator.tokens` controls. */
export function tokenControls(world: World): Emulator['tokens'] {
  return {
    revoke(pageId, reason) {
      const p = world.page(pageId);
      const parsed = parseOrThrow(revokeReasonSchema, reason, 'revoke reason');
      p.revoked = parsed;
      if (parsed === 'permission_revoked') {
        p.scopes = p.scopes.filter((s) => s !== 'pages_messaging' && s !== 'instagram_manage_messages');
      }
      world.emit({ type: 'token', pageId, valid: tokenProblem(world, p) === null, reason: parsed });
    },
    expire(pageId) {
      const p = world.page(pageId);
      p.tokenExpiresAt = world.clock.now();
      world.emit({ type: 'token', pageId, valid: false, reason: 'expired' });
    },
    reissue(pageId) {
      const p = world.page(pageId);
      const token = newToken();
      for (const other of world.pages.values()) {
        // A shared Page/Instagram token is reissued for both, as a reconnect would.
        if (other !== p && other.accessToken === p.accessToken) {
          other.retiredTokens.add(other.accessToken);
          other.accessToken = token;
        }
      }
      p.retiredTokens.add(p.accessToken);
      p.accessToken = token;
      p.revoked = null;
      delete p.tokenExpiresAt;
      p.tokenIssuedAt = world.clock.now();
      // Reconnecting grants the messaging permission again (it may have been revoked).
      if (!p.scopes.includes(messagingScope(p))) p.scopes.push(messagingScope(p));
      world.emit({ type: 'token', pageId, valid: true, reason: null });
      return token;
    },
  };
}
