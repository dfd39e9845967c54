import { type GraphRequest, type GraphResult, ok } from './graphTypes.js';
import { invalidParam, MetaError, unsupportedRequest } from './metaError.js';
import { type PageState, perWorld, threadKey, type World } from './world.js';

// People blocked from a Page as Meta answers it: `POST /{page}/blocked` with `psid: [..]` answers
// `{ "<psid>": true }`, `DELETE /{page}/blocked?psid=` answers `{ success: true }`, and a send to a
// blocked person is refused with 551. Instagram has no such edge.
// https://developers.facebook.com/docs/graph-api/reference/page/blocked/

const setOf = perWorld(() => new Set<string>());

/** Whether the page blocked this person. */
export function isBlocked(world: World, pageId: string, psid: string): boolean {
  return setOf(world).has(threadKey(pageId, psid));
}

function psidsOf(value: unknown): string[] {
  let list = value;
  if (typeof list === 'string') {
    try {
      list = list.startsWith('[') ? JSON.parse(list) : [list];
    } catch {
      throw invalidParam('param psid must be a list of ids.');
    }
  }
  if (!Array.isArray(list) || list.length === 0) throw invalidParam('param psid is required.');
  return list.map((id) => String(id));
}

/** Answers `POST`/`DELETE /{page}/blocked` for a page of the caller, or undefined otherwise. */
export function blockedRoute(
  world: World,
  req: GraphRequest,
  page: PageState | undefined,
): GraphResult | undefined {
  const [, edge, extra] = req.segments;
  if (
    !page ||
    edge !== 'blocked' ||
    extra !== undefined ||
    (req.method !== 'POST' && req.method !== 'DELETE')
  )
    return undefined;
  if (page.platform === 'instagram') throw unsupportedRequest(req.method, req.segments.join('/'));
  const psids = psidsOf(req.params['psid']);
  for (const psid of psids)
    if (world.customers.get(psid)?.pageId !== page.id)
      throw invalidParam(`param psid: ${psid} is not a user of this page.`);
  const set = setOf(world);
  if (req.method === 'DELETE') {
    for (const psid of psids) set.delete(threadKey(page.id, psid));
    return ok({ success: true });
  }
  for (const psid of psids) set.add(threadKey(page.id, psid));
  return ok(Object.fromEntries(psids.map((psid) => [psid, true])));
}

/** Meta's answer to a send to a person the page blocked. */
export const blockedRecipient = () => new MetaError(400, 551, "This person isn't available right now.");
