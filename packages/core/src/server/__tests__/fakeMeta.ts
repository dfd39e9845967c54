import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createInbox } from '../../inbox.js';
import { memoryStore } from '../../memoryStore.js';
import type { Channel } from '../../model.js';
import { testEntities } from '../../testing/entities.js';
import { testEvents } from '../../testing/events.js';
import { createChannels } from '../channels.js';
import type { ChannelsOptions } from '../channels.types.js';
import { createGraphClient } from '../graphClient.js';
import { MESSENGER_FIELDS } from '../pageRequirements.js';
import {
  type GraphStandin,
  metaError,
  type RecordedRequest,
  type StandinAnswer,
  startGraphStandin,
} from './graphStandin.js';

// A stateful Meta for the send-path and lifecycle tests, on top of the 127.0.0.1 stand-in: answers
// each Graph call the way docs/meta-platform.md describes, and lets a test script failures per route.

export const APP_ID = '111';
/** The app-scoped id `GET /me` answers for the admin's user token. */
export const ADMIN_ID = '100000000000042';
export const APP_SECRET = 'app-secret-for-tests-0123';
export const PAGE_TOKEN = 'EAAB-page-token-0123456789';
export const T0 = Date.UTC(2026, 0, 10, 12);

export interface MetaState {
  /** Scripted answers for the next Send API messages (not sender actions); default success. */
  sendAnswers: StandinAnswer[];
  sent: RecordedRequest[];
  /** Scripted answers for the next public answers under comments; default a new comment id. */
  commentAnswers: StandinAnswer[];
  actions: RecordedRequest[];
  subscribed: boolean;
  /** What the page's subscription lists; every field Pagedesk needs until a test says otherwise. */
  subscribedFields: string[];
  profile: (id: string) => StandinAnswer;
  tokenInfo: Record<string, unknown>;
  accounts: unknown[];
  personaAnswers: StandinAnswer[];
  history: { conversations: unknown[]; messages: Record<string, unknown[]> };
  /** Scripted answers for the next Conversations API list calls; default the `history` above. */
  conversationsAnswers: StandinAnswer[];
  midCounter: number;
}

export function fakeMeta(standin: GraphStandin): MetaState {
  const state: MetaState = {
    sendAnswers: [],
    sent: [],
    commentAnswers: [],
    actions: [],
    subscribed: true,
    subscribedFields: [...MESSENGER_FIELDS],
    profile: (id) => ({
      json: { id, first_name: 'Ana', last_name: 'Lima', profile_pic: 'https://cdn.example/ana.jpg' },
    }),
    tokenInfo: {
      app_id: APP_ID,
      type: 'PAGE',
      is_valid: true,
      expires_at: 0,
      data_access_expires_at: 0,
      profile_id: 'PAGE_1',
      scopes: ['pages_messaging', 'pages_manage_metadata', 'pages_show_list'],
    },
    accounts: [],
    personaAnswers: [],
    history: { conversations: [], messages: {} },
    conversationsAnswers: [],
    midCounter: 0,
  };
  standin.handle((r) => {
    if (/^[^/]+\/messages$/.test(r.path) && r.method === 'POST') {
      const body = r.body as { sender_action?: string };
      if (body.sender_action) {
        state.actions.push(r);
        return { json: { recipient_id: 'PSID_1' } };
      }
      state.sent.push(r);
      return (
        state.sendAnswers.shift() ?? {
          json: { recipient_id: 'PSID_1', message_id: `m_out_${++state.midCounter}` },
        }
      );
    }
    if (r.path.endsWith('/subscribed_apps')) {
      if (r.method === 'POST') {
        state.subscribed = true;
        state.subscribedFields = String(r.query['subscribed_fields'] ?? '').split(',');
      }
      if (r.method === 'DELETE') state.subscribed = false;
      if (r.method !== 'GET') return { json: { success: true } };
      return {
        json: {
          data: state.subscribed
            ? [{ id: APP_ID, name: 'Pagedesk', subscribed_fields: state.subscribedFields }]
            : [],
        },
      };
    }
    if (r.path.endsWith('/personas')) return state.personaAnswers.shift() ?? { json: { id: 'persona_1' } };
    if (r.path.endsWith('/comments') || r.path.endsWith('/replies'))
      return state.commentAnswers.shift() ?? { json: { id: `reply_${r.path}` } };
    if (r.path === 'debug_token') return { json: { data: state.tokenInfo } };
    if (r.path === 'me/accounts') return { json: { data: state.accounts } };
    if (r.path === 'me') return { json: { id: ADMIN_ID, name: 'Page Admin' } };
    if (r.path === 'oauth/access_token')
      return { json: { access_token: `long-${r.query['fb_exchange_token']}`, expires_in: 5_184_000 } };
    if (r.path.endsWith('/conversations'))
      return state.conversationsAnswers.shift() ?? { json: { data: state.history.conversations } };
    const thread = /^(.+)\/messages$/.exec(r.path);
    if (thread && r.method === 'GET') return { json: { data: state.history.messages[thread[1]!] ?? [] } };
    if (r.method === 'GET' && !r.path.includes('/')) return state.profile(r.path);
    return { status: 400, json: metaError(100, undefined, `Unsupported ${r.method} ${r.path}`) };
  });
  return state;
}

export interface Harness {
  clock: { now: number };
  store: ReturnType<typeof memoryStore>;
  inbox: ReturnType<typeof createInbox>;
  channels: ReturnType<typeof createChannels>;
  timers: Array<{ callback: () => void; ms: number; cancelled: boolean }>;
  make(overrides?: Partial<ChannelsOptions>): ReturnType<typeof createChannels>;
}

/** A store + inbox + channels over the stand-in, with a connected `PAGE_1` (Messenger). */
export async function harness(
  standin: GraphStandin,
  options: { channel?: Partial<Channel>; channels?: Partial<ChannelsOptions> } = {},
): Promise<Harness> {
  const clock = { now: T0 };
  const store = memoryStore();
  const inbox = createInbox({ store, now: () => clock.now });
  await store.channels.put(
    testEntities.channel({ appId: APP_ID, connectedAt: T0 - 1000, updatedAt: T0 - 1000, ...options.channel }),
  );
  await store.credentials.put('PAGE_1', { accessToken: PAGE_TOKEN });
  const timers: Harness['timers'] = [];
  const make = (overrides: Partial<ChannelsOptions> = {}) =>
    createChannels({
      store,
      inbox,
      graph: (appId) =>
        createGraphClient({
          appId,
          appSecret: APP_SECRET,
          baseUrl: standin.url,
          sleep: async () => {},
          // Long enough for a loaded machine; the timeout test delays its answer well past it.
          timeoutMs: 1000,
        }),
      now: () => clock.now,
      historyImport: false,
      // Start-up recovery has its own tests (reconcile.test.ts); here it would add a timer.
      recoverPendingOnStart: false,
      defaultAppId: APP_ID,
      setTimer: (callback, ms) => {
        const timer = { callback, ms, cancelled: false };
        timers.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
      ...options.channels,
      ...overrides,
    });
  const channels = make();
  return { clock, store, inbox, channels, timers, make };
}

/**
 * Starts the stand-in for a test file (closed after it) and gives each test a fresh fake Meta; read
 * `standin` and `meta` inside tests, after the hooks ran.
 */
export function useFakeMeta(): { readonly standin: GraphStandin; readonly meta: MetaState } {
  const env = {} as { standin: GraphStandin; meta: MetaState };
  beforeAll(async () => {
    env.standin = await startGraphStandin();
  });
  afterAll(() => env.standin.close());
  beforeEach(() => {
    env.standin.requests.length = 0;
    env.meta = fakeMeta(env.standin);
  });
  return env;
}

/** `PSID_1` writes to `PAGE_1` at `at`; returns the conversation id. */
export async function customerWrote(h: Harness, at: number): Promise<string> {
  await h.inbox.apply([
    testEvents.message({ pageId: 'PAGE_1', customerId: 'PSID_1', text: 'Hi', timestamp: at }),
  ]);
  const conversation = await h.store.conversations.findLatest({
    channelId: 'PAGE_1',
    customerId: 'PAGE_1:PSID_1',
    source: 'message',
  });
  return conversation!.id;
}
