import { randomBytes, randomInt } from 'node:crypto';
import { NotFoundError, ValidationError } from '@pagedesk/core';
import { DAY, type EmulatorClock, parseDuration } from './clock.js';
import type { ResolvedOptions, ResolvedPage, RevokeReason } from './options.js';
import type {
  EmulatorComment,
  EmulatorCustomer,
  EmulatorMessage,
  EmulatorUpdate,
  SenderActionRecord,
  SentMessage,
} from './types.js';
import type { DeliveryOutcome, QueuedEvent } from './webhooks.js';

// The emulated platform's state. Graph routes (graph.ts), customer actions (customerActions.ts) and
// controls (emulator.ts) all act on this one object, so the chat page, the library API and the HTTP
// control API always agree.

/** A customer as the world holds it: the public snapshot plus whether they consented to profile reads. */
export type Customer = EmulatorCustomer & { consent: boolean };

export interface PageState extends ResolvedPage {
  scopes: string[];
  revoked: RevokeReason | null;
  /** Earlier tokens of this page (after `tokens.reissue`): Meta answers 190/467 for them. */
  retiredTokens: Set<string>;
  subscribedFields: string[];
  samplePostId: string;
  tokenIssuedAt: number;
}

export interface Upload {
  id: string;
  pageId: string;
  type: string;
  size: number | null;
  url: string | null;
  bytes: Buffer | null;
  mime: string | null;
  createdAt: number;
  expiresAt: number;
}

export interface Persona {
  id: string;
  pageId: string;
  name: string;
  profilePictureUrl: string;
  deleted: boolean;
}

const defaultScopes = {
  messenger: [
    'pages_show_list',
    'pages_messaging',
    'pages_manage_metadata',
    'pages_read_engagement',
    'pages_manage_engagement',
  ],
  instagram: [
    'pages_show_list',
    'pages_manage_metadata',
    'pages_read_engagement',
    'instagram_basic',
    'instagram_manage_messages',
    'instagram_manage_comments',
  ],
};

const messengerFields = [
  'messages',
  'messaging_postbacks',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'feed',
];
const instagramFields = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'message_reactions',
  'comments',
];

export function defaultSubscribedFields(platform: 'messenger' | 'instagram'): string[] {
  return [...(platform === 'instagram' ? instagramFields : messengerFields)];
}

/** `n` random digits, the first not zero: Meta's numeric ids. */
export function digits(n: number): string {
  let out = String(randomInt(1, 10));
  for (let i = 1; i < n; i++) out += String(randomInt(0, 10));
  return out;
}

export function newMid(): string {
  return `m_${randomBytes(18).toString('base64url')}`;
}

/** A new message: a fresh mid, no reactions yet. */
export function newMessage(fields: Omit<EmulatorMessage, 'mid' | 'reactions'>): EmulatorMessage {
  return { mid: newMid(), ...fields, reactions: [] };
}

export class World {
  readonly pages = new Map<string, PageState>();
  readonly customers = new Map<string, Customer>();
  readonly messages = new Map<string, EmulatorMessage[]>();
  readonly comments = new Map<string, EmulatorComment>();
  readonly uploads = new Map<string, Upload>();
  readonly personas = new Map<string, Persona>();
  readonly sentLog: SentMessage[] = [];
  readonly actionLog: SenderActionRecord[] = [];
  readonly user: {
    id: string;
    name: string;
    accessToken: string;
    pages: string[] | null;
    expiresAt: number | null;
    extraTokens: Map<string, number | null>;
  };
  readonly timers = new Set<NodeJS.Timeout>();
  private readonly listeners = new Set<(update: EmulatorUpdate) => void>();
  private seq = 1;
  baseUrl = '';

  constructor(
    readonly options: ResolvedOptions,
    readonly clock: EmulatorClock,
    readonly enqueue: (event: QueuedEvent) => Promise<DeliveryOutcome>,
  ) {
    for (const page of options.pages) this.addPage(page);
    this.user = {
      id: options.user?.id ?? digits(15),
      name: options.user?.name ?? 'Emulated Admin',
      accessToken: options.user?.accessToken ?? `EAAU${randomBytes(24).toString('base64url')}`,
      pages: options.user?.pages ?? null,
      expiresAt: options.user?.expiresAt ?? null,
      extraTokens: new Map(),
    };
  }

  addPage(page: ResolvedPage): PageState {
    if (this.pages.has(page.id))
      throw new ValidationError('page', [{ path: 'id', message: `page ${page.id} already exists` }]);
    const state: PageState = {
      ...page,
      scopes: page.scopes ?? [...defaultScopes[page.platform]],
      revoked: null,
      retiredTokens: new Set(),
      subscribedFields: page.subscribed ? defaultSubscribedFields(page.platform) : [],
      samplePostId: page.platform === 'instagram' ? `179${digits(14)}` : `${page.id}_${digits(15)}`,
      tokenIssuedAt: this.clock.now(),
    };
    this.pages.set(page.id, state);
    return state;
  }

  on(listener: (update: EmulatorUpdate) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(update: EmulatorUpdate): void {
    for (const listener of this.listeners) listener(update);
  }

  nextSeq(): number {
    return this.seq++;
  }

  later(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  page(id: string): PageState {
    const page = this.pages.get(id);
    if (!page) throw new NotFoundError('Page', id);
    return page;
  }

  customer(id: string): Customer {
    const customer = this.customers.get(id);
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  /** Resolves `at` (epoch ms, or `-30h`-style relative to now) to epoch ms on the emulated clock. */
  time(at: number | string | undefined): number {
    if (at === undefined) return this.clock.now();
    if (typeof at === 'number') return at;
    const offset = parseDuration(at);
    if (offset === undefined)
      throw new ValidationError('time', [{ path: 'at', message: 'must look like -30h' }]);
    return this.clock.now() + offset;
  }

  conversation(customerId: string): EmulatorMessage[] {
    let list = this.messages.get(customerId);
    if (!list) {
      list = [];
      this.messages.set(customerId, list);
    }
    return list;
  }

  findMessage(mid: string): EmulatorMessage | undefined {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.mid === mid);
      if (found) return found;
    }
    return undefined;
  }

  snapshotCustomer(customer: Customer): EmulatorCustomer {
    const { consent: _consent, ...rest } = customer;
    return structuredClone(rest);
  }

  createCustomer(input: {
    pageId: string;
    name: string;
    id?: string | undefined;
    username?: string | undefined;
    profilePic?: string | undefined;
    profileError?: 230 | 2018218 | undefined;
    unavailable?: boolean | undefined;
  }): EmulatorCustomer {
    const page = this.page(input.pageId);
    const id = input.id ?? digits(16);
    if (this.customers.has(id))
      throw new ValidationError('customer', [{ path: 'id', message: `customer ${id} already exists` }]);
    const [first = input.name, ...rest] = input.name.trim().split(/\s+/);
    const customer = {
      id,
      pageId: page.id,
      platform: page.platform,
      name: input.name,
      firstName: first,
      lastName: rest.join(' '),
      username:
        input.username ??
        input.name
          .toLowerCase()
          .normalize('NFKD')
          .replace(/[^a-z0-9]+/g, '.')
          .replace(/^\.|\.$/g, ''),
      profilePic: input.profilePic ?? `${this.baseUrl}/samples/avatar.png?customer=${id}`,
      lastInboundAt: null,
      profileError: input.profileError ?? null,
      unavailable: input.unavailable ?? false,
      consent: false,
    };
    this.customers.set(id, customer);
    const snapshot = this.snapshotCustomer(customer);
    this.emit({ type: 'customer', customer: snapshot });
    return snapshot;
  }

  /** Inserts keeping each conversation sorted by timestamp (seeded history may arrive out of order). */
  insert(message: EmulatorMessage): void {
    const list = this.conversation(message.customerId);
    let index = list.length;
    while (index > 0 && list[index - 1]!.timestamp > message.timestamp) index--;
    list.splice(index, 0, message);
    this.emit({ type: 'message', message: structuredClone(message) });
  }

  /** Whether a Send API message to this customer is inside a window now; returns Meta's rule outcome. */
  windowFor(customer: EmulatorCustomer, now: number): 'standard' | 'human_agent' | 'closed' {
    if (customer.lastInboundAt === null) return 'closed';
    const age = now - customer.lastInboundAt;
    if (age <= DAY) return 'standard';
    if (age <= 7 * DAY) return 'human_agent';
    return 'closed';
  }

  newId(length = 16): string {
    return digits(length);
  }
}

/**
 * State kept beside the world by a feature module (handover owners, blocked people): one value per
 * world, created on first use, so the World class does not grow a field per feature.
 */
export function perWorld<T>(create: () => T): (world: World) => T {
  const values = new WeakMap<World, T>();
  return (world) => {
    let value = values.get(world);
    if (value === undefined) {
      value = create();
      values.set(world, value);
    }
    return value;
  };
}

/** The key of a customer's thread with a page. */
export function threadKey(pageId: string, psid: string): string {
  return `${pageId}\u0000${psid}`;
}
