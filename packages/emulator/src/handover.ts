import { blockedRecipient, isBlocked } from './blocking.js';
import { type GraphRequest, type GraphResult, ok } from './graphTypes.js';
import { invalidParam, MetaError, unsupportedRequest } from './metaError.js';
import { type PageState, perWorld, threadKey, type World } from './world.js';

// The Messenger handover protocol as Meta answers it: who holds each customer's thread, take, pass and
// request thread control, `thread_owner`, and the refusal of a send from an app that does not hold
// the thread (2018300). The emulator's app is the Primary Receiver; a test plays the bot (or Meta's Page
// Inbox) with `emulator.handover.setOwner`. Instagram's handover API is gone (Conversation Routing
// since 2025-10-23), so its calls are unsupported.
// https://developers.facebook.com/docs/messenger-platform/handover-protocol/conversation-control

/** The page edges of the handover protocol (and `blocked`, blocking.ts), routed from graph.ts. */
export const HANDOVER_EDGES: ReadonlySet<string> = new Set([
  'take_thread_control',
  'pass_thread_control',
  'request_thread_control',
  'thread_owner',
  'blocked',
]);

const ownersOf = perWorld(() => new Map<string, string | null>());

/** Who holds a customer's thread: an app id, or null when idle (never set: idle). */
export function threadOwnerOf(world: World, pageId: string, psid: string): string | null {
  return ownersOf(world).get(threadKey(pageId, psid)) ?? null;
}

function recipientOf(params: Record<string, unknown>): string {
  let recipient = params['recipient'];
  // `thread_owner` takes the PSID itself (`?recipient=<PSID>`); the control edges a `{ id }` object.
  if (typeof recipient === 'string' && /^\d+$/.test(recipient)) return recipient;
  if (typeof recipient === 'string') {
    try {
      recipient = JSON.parse(recipient);
    } catch {
      throw invalidParam('param recipient must be a JSON object.');
    }
  }
  const id = (recipient as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw invalidParam('param recipient[id] is required.');
  return String(id);
}

const notOwner = () =>
  new MetaError(400, 10, 'This app does not control this thread: another app holds thread control.', {
    subcode: 2018300,
  });

/**
 * Answers `POST /{page}/{take,pass,request}_thread_control` and `GET /{page}/thread_owner` for a page
 * of the caller, or undefined when the request is not one of them.
 */
export function handoverRoute(
  world: World,
  req: GraphRequest,
  page: PageState | undefined,
): GraphResult | undefined {
  const [, edge, extra] = req.segments;
  const control = /^(take|pass|request)_thread_control$/.exec(edge ?? '');
  const isOwnerRead = edge === 'thread_owner' && req.method === 'GET';
  if (!page || extra !== undefined || !((control && req.method === 'POST') || isOwnerRead)) return undefined;
  if (page.platform === 'instagram') throw unsupportedRequest(req.method, req.segments.join('/'));
  const psid = recipientOf(req.params);
  if (!world.customers.has(psid)) throw new MetaError(400, 551, "This person isn't available right now.");
  const appId = world.options.appId;
  const current = threadOwnerOf(world, page.id, psid);
  if (isOwnerRead) return ok({ data: current === null ? [] : [{ thread_owner: { app_id: current } }] });
  const map = ownersOf(world);
  switch (control?.[1]) {
    case 'take':
      // The Primary Receiver may take the thread from anyone.
      map.set(threadKey(page.id, psid), appId);
      break;
    case 'pass': {
      const target = req.params['target_app_id'];
      if (typeof target !== 'string' && typeof target !== 'number')
        throw invalidParam('param target_app_id is required.');
      if (current !== null && current !== appId) throw notOwner();
      map.set(threadKey(page.id, psid), String(target));
      break;
    }
    default:
      // Asking the owner for the thread changes nothing until it passes it.
      if (current === appId) throw invalidParam('This app already controls the thread.');
  }
  return ok({ success: true });
}

/** Throws Meta's 551 for a blocked person, 2018300 when another app holds the thread (a send from this app). */
export function assertHoldsThread(world: World, pageId: string, params: Record<string, unknown>): void {
  let psid: string;
  try {
    psid = recipientOf(params);
  } catch {
    return; // A private reply (comment_id) or a malformed recipient: the send route answers those.
  }
  if (isBlocked(world, pageId, psid)) throw blockedRecipient();
  const owner = threadOwnerOf(world, pageId, psid);
  if (owner !== null && owner !== world.options.appId) throw notOwner();
}

/** Test controls: play another app (a bot, Meta's Page Inbox) taking or releasing a thread. */
export interface HandoverControls {
  /** Sets who holds a customer's thread (`null`: idle). */
  setOwner(pageId: string, psid: string, appId: string | null): void;
  owner(pageId: string, psid: string): string | null;
}

export function handoverControls(world: World): HandoverControls {
  return {
    setOwner: (pageId, psid, appId) => void ownersOf(world).set(threadKey(pageId, psid), appId),
    owner: (pageId, psid) => threadOwnerOf(world, pageId, psid),
  };
}
