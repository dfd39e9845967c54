import { callerOwns, requireScope } from './graphAuth.js';
import { cursorPage, fieldsOf, isoTime, str } from './graphParams.js';
import { type Caller, type GraphResult, ok } from './graphTypes.js';
import { invalidParam, MetaError, noMatchingUser, permissionError, unsupportedRequest } from './metaError.js';
import type { EmulatorMessage } from './types.js';
import type { World } from './world.js';

// Graph nodes read by id: `/me`, `/me/accounts`, a page, a customer's profile, a persona, a message, a
// conversation's messages, and replies to a comment.
// https://developers.facebook.com/docs/messenger-platform/identity/user-profile and
// https://developers.facebook.com/docs/graph-api/reference/conversation

const avatar = (world: World, query = '') => `${world.baseUrl}/samples/avatar.png${query}`;

export function me(world: World, caller: Caller): GraphResult {
  if (caller.kind === 'page') {
    const p = caller.pages[0]!;
    return ok({ name: p.name, id: p.id });
  }
  if (caller.kind === 'user') return ok({ name: world.user.name, id: world.user.id });
  return ok({ name: world.options.appName, id: world.options.appId });
}

const TASKS = ['ADVERTISE', 'ANALYZE', 'CREATE_CONTENT', 'MESSAGING', 'MODERATE', 'MANAGE'];

/** `GET /me/accounts`: the admin's Facebook Pages, each with its linked Instagram account. */
export function accounts(world: World, caller: Caller, params: Record<string, unknown>): GraphResult {
  if (caller.kind !== 'user')
    throw invalidParam('Tried accessing nonexisting field (accounts) on node type (Page)');
  const allowed = world.user.pages;
  const all = [...world.pages.values()].filter((p) => allowed === null || allowed.includes(p.id));
  const rows = all
    .filter(
      (p) => !(p.platform === 'instagram' && p.facebookPageId && all.some((f) => f.id === p.facebookPageId)),
    )
    .map((p) => {
      const linked =
        p.platform === 'instagram'
          ? p
          : all.find((ig) => ig.platform === 'instagram' && ig.facebookPageId === p.id);
      return {
        access_token: p.accessToken,
        category: 'Retail company',
        category_list: [{ id: '2200', name: 'Retail company' }],
        name: p.name,
        id: p.platform === 'instagram' ? (p.facebookPageId ?? p.id) : p.id,
        tasks: TASKS,
        picture: { data: { url: avatar(world, `?page=${p.id}`) } },
        ...(linked
          ? {
              instagram_business_account: {
                id: linked.id,
                username: linked.name,
                name: linked.name,
                profile_picture_url: avatar(world, `?page=${linked.id}`),
              },
            }
          : {}),
      };
    });
  return ok(cursorPage(rows, params));
}

/** `GET /{id}` and `DELETE /{id}`: a customer profile, a persona, a page, a conversation or a message. */
export function node(
  world: World,
  method: string,
  id: string,
  caller: Caller,
  params: Record<string, unknown>,
): GraphResult {
  const persona = world.personas.get(id);
  if (persona) {
    if (!callerOwns(caller, persona.pageId))
      throw permissionError('The persona does not belong to this page.');
    if (method === 'DELETE') {
      persona.deleted = true;
      return ok({ success: true });
    }
    if (method === 'GET' && !persona.deleted)
      return ok({ name: persona.name, profile_picture_url: persona.profilePictureUrl, id: persona.id });
    throw unsupportedRequest(method, id);
  }
  if (method !== 'GET') throw unsupportedRequest(method, id);
  if (world.customers.has(id)) return profile(world, id, caller, params);
  if (world.pages.has(id)) return pageNode(world, id, caller, params);
  const message = world.findMessage(id);
  if (message && callerOwns(caller, message.pageId)) return ok(graphMessage(world, message));
  throw unsupportedRequest(method, id);
}

function pageNode(world: World, id: string, caller: Caller, params: Record<string, unknown>): GraphResult {
  const p = world.page(id);
  const out: Record<string, unknown> = {};
  for (const f of fieldsOf(params, ['name', 'id'])) {
    if (f === 'id') out['id'] = p.id;
    else if (f === 'name') out['name'] = p.name;
    else if (f === 'username' && p.platform === 'instagram') out['username'] = p.name;
    else if (f === 'access_token') {
      if (caller.kind !== 'user')
        throw permissionError('A user access token is required to read access_token');
      out['access_token'] = p.accessToken;
    } else if (f === 'instagram_business_account') {
      const ig = [...world.pages.values()].find(
        (x) => x.platform === 'instagram' && x.facebookPageId === p.id,
      );
      if (ig) out['instagram_business_account'] = { id: ig.id };
    } else if (f === 'picture') out['picture'] = { data: { url: avatar(world) } };
    else if (f === 'profile_picture_url' && p.platform === 'instagram')
      out['profile_picture_url'] = avatar(world);
    else throw invalidParam(`Tried accessing nonexisting field (${f}) on node type (Page)`);
  }
  out['id'] = p.id;
  return ok(out);
}

const consentRequired = () =>
  new MetaError(400, 230, '(#230) User consent is required to access user profile');

function profile(world: World, id: string, caller: Caller, params: Record<string, unknown>): GraphResult {
  const customer = world.customer(id);
  if (!callerOwns(caller, customer.pageId)) throw noMatchingUser();
  if (customer.profileError === 2018218) {
    throw new MetaError(
      400,
      2018218,
      'Cannot get user profile: the account was created with a phone number or has no profile information',
    );
  }
  if (customer.profileError === 230) throw consentRequired();
  if (customer.platform === 'instagram' && !customer.consent) throw consentRequired();
  const ig = customer.platform === 'instagram';
  const fields = fieldsOf(
    params,
    ig ? ['name', 'username', 'profile_pic'] : ['first_name', 'last_name', 'profile_pic'],
  );
  const allowed: Record<string, unknown> = ig
    ? {
        id: customer.id,
        name: customer.name,
        username: customer.username,
        profile_pic: customer.profilePic,
        is_verified_user: false,
        follower_count: 42,
        is_user_follow_business: true,
        is_business_follow_user: false,
      }
    : {
        id: customer.id,
        name: customer.name,
        first_name: customer.firstName,
        last_name: customer.lastName,
        profile_pic: customer.profilePic,
        locale: 'en_US',
        timezone: 0,
      };
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f in allowed)) throw invalidParam(`Tried accessing nonexisting field (${f}) on node type (User)`);
    out[f] = allowed[f];
  }
  out['id'] = customer.id;
  return ok(out);
}

/** `GET /t_{psid}/messages`: a conversation's messages, newest first. */
export function history(
  world: World,
  conversationId: string,
  caller: Caller,
  params: Record<string, unknown>,
): GraphResult {
  const customer = world.customers.get(conversationId.slice(2));
  if (!customer || !callerOwns(caller, customer.pageId))
    throw unsupportedRequest('GET', `${conversationId}/messages`);
  const msgs = [...world.conversation(customer.id)].reverse().map((m) => graphMessage(world, m));
  return ok(cursorPage(msgs, params));
}

/** A participant as Graph lists it in conversations and messages. */
export function participant(name: string, id: string): { name: string; email: string; id: string } {
  return { name, email: `${id}@facebook.com`, id };
}

function graphMessage(world: World, m: EmulatorMessage): Record<string, unknown> {
  const customer = world.customer(m.customerId);
  const p = world.page(m.pageId);
  const c = participant(customer.name, customer.id);
  const pg = participant(p.name, p.id);
  const [from, to] = m.direction === 'inbound' ? [c, pg] : [pg, c];
  return {
    id: m.mid,
    created_time: isoTime(m.timestamp),
    message: m.text ?? '',
    from,
    to: { data: [to] },
    ...(m.attachments.length > 0
      ? {
          attachments: {
            data: m.attachments.map((a, i) => ({
              id: `${m.mid}_${i}`,
              mime_type: a.type === 'image' ? 'image/png' : 'application/octet-stream',
              name: a.title ?? `${a.type}-${i}`,
              ...(a.type === 'image'
                ? { image_data: { url: a.url, preview_url: a.url } }
                : { file_url: a.url }),
            })),
          },
        }
      : {}),
  };
}

/** `POST /{comment}/comments` (Facebook) or `/{comment}/replies` (Instagram): the page answers in public. */
export function commentReply(
  world: World,
  commentId: string,
  edge: string,
  caller: Caller,
  params: Record<string, unknown>,
): GraphResult {
  const comment = world.comments.get(commentId);
  if (!comment || !callerOwns(caller, comment.pageId))
    throw unsupportedRequest('POST', `${commentId}/${edge}`);
  const p = world.page(comment.pageId);
  if ((p.platform === 'instagram') !== (edge === 'replies'))
    throw unsupportedRequest('POST', `${commentId}/${edge}`);
  requireScope(p, p.platform === 'instagram' ? 'instagram_manage_comments' : 'pages_manage_engagement');
  const text = str(params['message']);
  if (!text) throw invalidParam('param message must be non-empty.');
  const id = p.platform === 'instagram' ? world.newId(17) : `${commentId.split('_')[0]}_${world.newId(15)}`;
  comment.replies.push({ id, text, createdAt: world.clock.now() });
  world.emit({ type: 'comment', comment: structuredClone(comment) });
  return ok({ id });
}
