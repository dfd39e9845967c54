import { requireScope } from './graphAuth.js';
import { participant } from './graphNodes.js';
import { cursorPage, isoTime, str } from './graphParams.js';
import { type GraphResult, ok } from './graphTypes.js';
import { invalidParam, unsupportedRequest } from './metaError.js';
import { defaultSubscribedFields, type PageState, type World } from './world.js';

// Page edges other than the Send API and uploads: `subscribed_apps`, `personas` and `conversations`.
// https://developers.facebook.com/docs/graph-api/reference/page/subscribed_apps,
// https://developers.facebook.com/docs/messenger-platform/send-messages/personas

/** Every webhook field a page can subscribe the app to (Messenger's and Instagram's names). */
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  ...defaultSubscribedFields('messenger'),
  ...defaultSubscribedFields('instagram'),
  'standby',
  'messaging_handovers',
  'messaging_referrals',
  // Instagram's own names (Graph webhooks reference, `instagram` object)
  'messaging_referral',
  'messaging_handover',
  'live_comments',
  'messaging_optins',
  'messaging_policy_enforcement',
  'messaging_account_linking',
  'response_feedback',
  'messaging_feedback',
  'mentions',
]);

export function subscribedApps(
  world: World,
  p: PageState,
  method: string,
  params: Record<string, unknown>,
): GraphResult {
  const opts = world.options;
  if (method === 'GET') {
    if (p.subscribedFields.length === 0) return ok({ data: [] });
    return ok({
      data: [
        {
          category: 'Business',
          link: `https://emulator.local/apps/${opts.appId}`,
          name: opts.appName,
          id: opts.appId,
          subscribed_fields: [...p.subscribedFields],
        },
      ],
    });
  }
  requireScope(p, 'pages_manage_metadata');
  if (method === 'POST') {
    const raw = params['subscribed_fields'];
    const fields = Array.isArray(raw)
      ? raw.map(String)
      : (str(raw) ?? '')
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean);
    if (fields.length === 0) throw invalidParam('param subscribed_fields must be non-empty.');
    const unknown = fields.find((f) => !KNOWN_FIELDS.has(f));
    if (unknown)
      throw invalidParam(`param subscribed_fields must be one of the webhook fields; got ${unknown}`);
    p.subscribedFields = [...new Set(fields)];
    return ok({ success: true });
  }
  if (method === 'DELETE') {
    p.subscribedFields = [];
    return ok({ success: true });
  }
  throw unsupportedRequest(method, `${p.id}/subscribed_apps`);
}

export function createPersona(world: World, p: PageState, params: Record<string, unknown>): GraphResult {
  const name = str(params['name']);
  const picture = str(params['profile_picture_url']);
  if (!name || [...name].length > 50) throw invalidParam('param name must be 1 to 50 characters.');
  if (!picture || !/^https?:\/\//.test(picture))
    throw invalidParam('param profile_picture_url must be a publicly reachable URL.');
  const id = world.newId(16);
  world.personas.set(id, { id, pageId: p.id, name, profilePictureUrl: picture, deleted: false });
  return ok({ id });
}

export function listPersonas(world: World, p: PageState, params: Record<string, unknown>): GraphResult {
  const personas = [...world.personas.values()].filter((x) => x.pageId === p.id && !x.deleted);
  return ok(
    cursorPage(
      personas.map((x) => ({ name: x.name, profile_picture_url: x.profilePictureUrl, id: x.id })),
      params,
    ),
  );
}

/** `GET /{page}/conversations`: the page's conversations, latest activity first. */
export function conversations(world: World, p: PageState, params: Record<string, unknown>): GraphResult {
  const platform = str(params['platform']);
  if (platform !== undefined && platform !== p.platform) return ok({ data: [] });
  const userId = str(params['user_id']);
  const rows = [...world.customers.values()]
    .filter((c) => c.pageId === p.id && (userId === undefined || c.id === userId))
    .map((c) => ({ c, msgs: world.conversation(c.id) }))
    .filter(({ msgs }) => msgs.length > 0)
    .sort((a, b) => b.msgs.at(-1)!.timestamp - a.msgs.at(-1)!.timestamp)
    .map(({ c, msgs }) => ({
      id: `t_${c.id}`,
      updated_time: isoTime(msgs.at(-1)!.timestamp),
      message_count: msgs.length,
      participants: {
        data: [
          { ...participant(c.name, c.id), ...(c.platform === 'instagram' ? { username: c.username } : {}) },
          participant(p.name, p.id),
        ],
      },
    }));
  return ok(cursorPage(rows, params));
}
