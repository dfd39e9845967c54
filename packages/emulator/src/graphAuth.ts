import { createHmac, timingSafeEqual } from 'node:crypto';
import { obj, str } from './graphParams.js';
import type { Caller, GraphRequest } from './graphTypes.js';
import { HANDOVER_EDGES } from './handover.js';
import { MetaError, permissionError } from './metaError.js';
import { tokenProblem } from './tokens.js';
import type { PageState, World } from './world.js';

// Who is calling: the access token (query, body or Authorization header), its validity on the emulated
// clock, `appsecret_proof` when the app requires it, and the page a page-edge call addresses.
// https://developers.facebook.com/docs/graph-api/securing-requests

const tokenMessages: Record<number, string> = {
  458: 'Error validating access token: The user has not authorized application.',
  459: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.',
  460: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  463: 'Error validating access token: Session has expired.',
  467: 'Error validating access token: The session is invalid because the user logged out.',
  492: 'Error validating access token: The session is invalid. The user may no longer have a role on the Page.',
};

/** Meta's message for a 190 subcode. */
export function tokenMessage(subcode: number): string {
  return tokenMessages[subcode] ?? 'Error validating access token.';
}

/** Meta's 190: an unparseable token, or a known one with the subcode saying why it no longer works. */
export function tokenError(subcode?: number): MetaError {
  if (subcode === undefined)
    return new MetaError(400, 190, 'Invalid OAuth access token - Cannot parse access token');
  return new MetaError(400, 190, tokenMessage(subcode), { subcode });
}

/** Whether `token` is the admin's user token or one it was exchanged for. */
export function isUserToken(world: World, token: string): boolean {
  return token === world.user.accessToken || world.user.extraTokens.has(token);
}

/** Instagram accounts reached with their linked Facebook Page's token (the Facebook Login route). */
export function linkedInstagram(world: World, owners: readonly PageState[]): PageState[] {
  return [...world.pages.values()].filter(
    (p) => p.platform === 'instagram' && !owners.includes(p) && owners.some((o) => o.id === p.facebookPageId),
  );
}

/** The caller of a Graph request, or Meta's error for a missing, unknown, invalid or unproven token. */
export function authenticate(world: World, req: GraphRequest): Caller {
  const opts = world.options;
  const bearer = req.authorization?.match(/^(?:Bearer|OAuth)\s+(.+)$/i)?.[1];
  const token = str(req.params['access_token']) ?? bearer;
  if (!token) throw new MetaError(400, 104, 'An access token is required to request this resource.');
  if (token === `${opts.appId}|${opts.appSecret}`) return { kind: 'app' };
  let caller: Caller | undefined;
  let pages: PageState[] = [];
  if (isUserToken(world, token)) caller = { kind: 'user', token };
  else {
    pages = [...world.pages.values()].filter((p) => p.accessToken === token);
    if (pages.length > 0) caller = { kind: 'page', token, pages };
    else if ([...world.pages.values()].some((p) => p.retiredTokens.has(token))) throw tokenError(467);
  }
  if (!caller) throw tokenError();
  if (opts.requireAppSecretProof) checkProof(world, token, req.params);
  if (caller.kind === 'user') {
    const expiresAt = world.user.extraTokens.get(token) ?? world.user.expiresAt;
    if (expiresAt !== null && expiresAt !== undefined && expiresAt <= world.clock.now())
      throw tokenError(463);
    return caller;
  }
  // A token shared by a page and its Instagram account: any valid one answers; the first problem otherwise.
  const problems = pages.map((p) => tokenProblem(world, p));
  if (problems.every((p) => p !== null)) throw tokenError(problems[0]!.subcode);
  const owners = pages.filter((_, i) => problems[i] === null);
  return { kind: 'page', token, pages: [...owners, ...linkedInstagram(world, owners)] };
}

const proofError = (message: string) => new MetaError(400, 100, message, { type: 'GraphMethodException' });

function checkProof(world: World, token: string, params: Record<string, unknown>): void {
  const proof = str(params['appsecret_proof']);
  if (!proof) throw proofError('API calls from the server require an appsecret_proof argument');
  const secret = world.options.appSecret;
  const time = str(params['appsecret_time']);
  const candidates = [createHmac('sha256', secret).update(token).digest('hex')];
  // The timed variant is checked against real time: the client's clock is not the emulated one.
  if (time !== undefined && Math.abs(Date.now() / 1000 - Number(time)) <= 300) {
    candidates.push(createHmac('sha256', secret).update(`${token}|${time}`).digest('hex'));
  }
  const given = Buffer.from(proof.toLowerCase());
  const valid = candidates.some((c) => c.length === given.length && timingSafeEqual(Buffer.from(c), given));
  if (!valid) throw proofError('Invalid appsecret_proof provided in the API argument');
}

/** The edges answered for a page (`/{page}/{edge}` or `/me/{edge}` with a page token). */
export const PAGE_EDGES: ReadonlySet<string> = new Set([
  'messages',
  'message_attachments',
  'subscribed_apps',
  'personas',
  'conversations',
  ...HANDOVER_EDGES,
]);

/** The page a page-edge call addresses, or null when `id` is not a page (so other routes can try). */
export function pageFor(
  world: World,
  id: string,
  caller: Caller,
  edge: string,
  params: Record<string, unknown>,
): PageState | null {
  if (!PAGE_EDGES.has(edge)) return null;
  const known =
    id === 'me' || world.pages.has(id) || [...world.pages.values()].some((p) => p.facebookPageId === id);
  if (!known) return null;
  if (caller.kind !== 'page')
    throw new MetaError(400, 210, '(#210) A page access token is required to request this resource.');
  let candidates =
    id === 'me' ? caller.pages : caller.pages.filter((p) => p.id === id || p.facebookPageId === id);
  if (candidates.length === 0) throw permissionError('The page access token does not belong to this page.');
  if (candidates.length > 1) {
    // One token for a Facebook Page and its Instagram account: the recipient or `platform` decides.
    const platform = str(params['platform']);
    // `thread_owner` names the person by a bare PSID (`?recipient=<PSID>`); sends by `{ id }`.
    const bare = params['recipient'];
    const recipientId =
      typeof bare === 'string' && /^\d+$/.test(bare) ? bare : str(obj(bare, 'recipient')?.['id']);
    const owner = recipientId ? world.customers.get(recipientId)?.pageId : undefined;
    const byCustomer = candidates.filter((p) => p.id === owner);
    const byPlatform = candidates.filter((p) => p.platform === platform);
    candidates = byCustomer.length > 0 ? byCustomer : byPlatform.length > 0 ? byPlatform : candidates;
  }
  return candidates[0]!;
}

/** Meta's 200 when the page's token lacks `scope`. */
export function requireScope(page: PageState, scope: string): void {
  if (!page.scopes.includes(scope))
    throw permissionError(`Requires ${scope} permission to manage the object`);
}

/** Whether the caller is one of the pages of `pageId` (a page token that may act on its objects). */
export function callerOwns(caller: Caller, pageId: string): boolean {
  return caller.kind === 'page' && caller.pages.some((p) => p.id === pageId);
}
