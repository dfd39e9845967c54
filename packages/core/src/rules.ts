import type { Channel, Platform } from './model.js';

// Rules are data: Meta's limits are the default profile, and a host narrows (or, where it knows
// better, widens) any of them per direction and media kind. Each platform has its profile
// (`platformRules(platform)`), the one table the server, the composer and the emulator all read.
// Sources (Meta's pages) are cited on each profile below; docs/meta-platform.md ("Sending") sums them up.

/** The four kinds of file the Send API takes as an attachment. */
export type MediaKind = 'image' | 'video' | 'audio' | 'file';

/** The media kinds in classification order: a type matching two kinds gets the first. */
export const mediaKinds: readonly MediaKind[] = ['image', 'video', 'audio', 'file'];

/** What one direction accepts for one media kind. */
export interface MediaRule {
  /** Largest accepted file, in bytes (inclusive). */
  readonly maxBytes: number;
  /** Accepted MIME types; `image/*` accepts any subtype, `*\/*` anything. */
  readonly types: readonly string[];
  /** Accepted file-name extensions, lower case without the dot; empty accepts any extension. */
  readonly extensions: readonly string[];
}

/** Per media kind rules of one direction. */
export type DirectionRules = { readonly [K in MediaKind]: MediaRule };

/** A rules profile: the text and attachment limits a reply must meet. */
export interface Rules {
  readonly text: {
    /** Longest text of one message, inclusive, counted in UTF-16 code units (see `checkText`). */
    readonly maxLength: number;
    /**
     * Largest text of one message in UTF-8 bytes, inclusive, when the platform counts bytes
     * (Instagram: 1000). Absent: no byte limit.
     */
    readonly maxBytes?: number;
  };
  /** How many images one message may carry (Messenger's `attachments` array). */
  readonly imagesPerMessage: number;
  readonly attachments: {
    /** What the host accepts from customers. */
    readonly inbound: DirectionRules;
    /** What agents may send. */
    readonly outbound: DirectionRules;
  };
}

/** Any part of a profile, deep: what `defineRules` merges over its base. */
export type RulesOverrides = {
  text?: { maxLength?: number; maxBytes?: number };
  imagesPerMessage?: number;
  attachments?: {
    [D in 'inbound' | 'outbound']?: {
      [K in MediaKind]?: { maxBytes?: number; types?: readonly string[]; extensions?: readonly string[] };
    };
  };
};

const MB = 1024 * 1024;

/** `value` and everything in it frozen: a profile is shared by every channel that uses it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// Messenger publishes no MIME allow-list, so the outbound defaults
// are the formats every Meta client renders and peers document (jpeg/png/gif images, mp4/mov video,
// common audio, office documents and PDF). Inbound takes what Meta delivers, by family.
const inboundAny: DirectionRules = {
  image: { maxBytes: 25 * MB, types: ['image/*'], extensions: [] },
  video: { maxBytes: 25 * MB, types: ['video/*'], extensions: [] },
  audio: { maxBytes: 25 * MB, types: ['audio/*'], extensions: [] },
  file: { maxBytes: 25 * MB, types: ['*/*'], extensions: [] },
};

/**
 * Meta's limits for Messenger, the default profile.
 *
 * - text: 2000 characters (`message.text` "UTF-8, < 2000 characters" in the Send API reference,
 *   https://developers.facebook.com/docs/messenger-platform/reference/send-api/; the channel settings
 *   treat 2000 as the inclusive cap). No byte limit.
 * - attachments: 25 MB each; images Meta fetches by URL at most 8 MB
 *   (https://developers.facebook.com/docs/messenger-platform/send-messages/saving-assets).
 *   Pagedesk sends outbound files by URL, so outbound images are capped at 8 MB.
 * - up to 30 images in one message (Messenger changelog, Mar 19 2025); other kinds one per message.
 *
 * @example
 * metaRules.text.maxLength; // 2000
 * metaRules.attachments.outbound.image.maxBytes; // 8 MB
 */
export const metaRules: Rules = deepFreeze({
  text: { maxLength: 2000 },
  imagesPerMessage: 30,
  attachments: {
    inbound: inboundAny,
    outbound: {
      image: {
        maxBytes: 8 * MB,
        types: ['image/jpeg', 'image/png', 'image/gif'],
        extensions: ['jpg', 'jpeg', 'png', 'gif'],
      },
      video: {
        maxBytes: 25 * MB,
        types: ['video/mp4', 'video/quicktime', 'video/3gpp', 'video/webm'],
        extensions: ['mp4', 'mov', '3gp', 'webm'],
      },
      audio: {
        maxBytes: 25 * MB,
        types: [
          'audio/mpeg',
          'audio/mp4',
          'audio/aac',
          'audio/x-m4a',
          'audio/wav',
          'audio/x-wav',
          'audio/ogg',
          'audio/amr',
        ],
        extensions: ['mp3', 'm4a', 'aac', 'wav', 'ogg', 'amr'],
      },
      file: {
        maxBytes: 25 * MB,
        types: [
          'application/pdf',
          'application/msword',
          'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          'application/vnd.ms-excel',
          'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          'application/vnd.ms-powerpoint',
          'application/vnd.openxmlformats-officedocument.presentationml.presentation',
          'text/csv',
          'text/plain',
          'application/zip',
        ],
        extensions: ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'csv', 'txt', 'zip'],
      },
    },
  },
});

/**
 * Meta's limits for Instagram Direct ("Send a Message",
 * https://developers.facebook.com/docs/messenger-platform/instagram/features/send-message):
 *
 * - text: "UTF-8 and 1000 bytes or less" (the same page's list of limitations says "less than 1000
 *   characters"; bytes are the stricter rule, so both are enforced: 1000 bytes, 1000 characters).
 * - images png/jpeg/gif up to 8 MB; audio aac/m4a/wav/mp4 and video mp4/ogg/avi/mov/webm up to 25 MB;
 *   files are PDF only (since Dec 2025), 25 MB.
 * - several images in one message are documented for Messenger only, so Instagram sends one image
 *   per message.
 *
 * @example
 * instagramRules.text.maxBytes; // 1000
 * measureText('é'.repeat(600), instagramRules); // { used: 1200, limit: 1000, unit: 'bytes', ... }
 */
export const instagramRules: Rules = deepFreeze({
  text: { maxLength: 1000, maxBytes: 1000 },
  imagesPerMessage: 1,
  attachments: {
    inbound: inboundAny,
    outbound: {
      image: {
        maxBytes: 8 * MB,
        types: ['image/png', 'image/jpeg', 'image/gif'],
        extensions: ['png', 'jpg', 'jpeg', 'gif'],
      },
      video: {
        maxBytes: 25 * MB,
        types: ['video/mp4', 'video/ogg', 'video/x-msvideo', 'video/avi', 'video/quicktime', 'video/webm'],
        extensions: ['mp4', 'ogg', 'ogv', 'avi', 'mov', 'webm'],
      },
      audio: {
        maxBytes: 25 * MB,
        types: ['audio/aac', 'audio/mp4', 'audio/x-m4a', 'audio/wav', 'audio/x-wav', 'audio/wave'],
        extensions: ['aac', 'm4a', 'wav', 'mp4'],
      },
      file: { maxBytes: 25 * MB, types: ['application/pdf'], extensions: ['pdf'] },
    },
  },
});

/** A plain object (not null, not an array): what a profile's levels are. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `override` deep-merged over `base`: objects merge, anything else replaces. Neither is changed. */
export function mergeRules(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) out[key] = mergeRules(base[key], value);
  return out;
}

/**
 * `overrides` deep-merged over `base` (arrays replace, objects merge), copied and frozen, unchecked:
 * for overrides built here from values checked where they came in (a channel's stored settings, a
 * platform's limit). A host's own profile or overrides go through `defineRules`, which checks them.
 */
export function overlayRules(base: Rules, overrides: RulesOverrides): Rules {
  // A copy, so neither the caller's profile nor its overrides are frozen with the result.
  return deepFreeze(structuredClone(mergeRules(base, overrides))) as Rules;
}

/**
 * Meta's profile for a platform: `instagramRules` or `metaRules`. `rulesFor` adds a host's overrides.
 *
 * @example
 * platformRules('instagram').text; // { maxLength: 1000, maxBytes: 1000 }
 */
export function platformRules(platform: Platform): Rules {
  return platform === 'instagram' ? instagramRules : metaRules;
}

/**
 * `rules` with its platform's byte limit on text kept: Meta refuses a longer Instagram text whatever a
 * host's profile says, so a profile built for Messenger (no `maxBytes`) or a wider one gets
 * Instagram's `text.maxBytes` back on an Instagram channel. Other limits are left as given.
 *
 * @example
 * withPlatformLimits(defineRules({ text: { maxLength: 1600 } }), 'instagram').text; // { maxLength: 1600, maxBytes: 1000 }
 */
export function withPlatformLimits(rules: Rules, platform: Platform): Rules {
  const platformBytes = platformRules(platform).text.maxBytes;
  if (platformBytes === undefined) return rules;
  const bytes = rules.text.maxBytes;
  if (bytes !== undefined && bytes <= platformBytes) return rules;
  return overlayRules(rules, { text: { maxBytes: platformBytes } });
}

/**
 * The profile a channel sends with: its platform's profile (or `base`) narrowed by the admin's
 * `ChannelSettings.textMaxLength` and `attachmentMaxBytes` (outbound).
 *
 * @example
 * rulesFromSettings(channel).text.maxLength; // 1600 when the admin set textMaxLength: 1600
 */
export function rulesFromSettings(channel: Pick<Channel, 'platform' | 'settings'>, base?: Rules): Rules {
  const start = base ?? platformRules(channel.platform);
  const { textMaxLength, attachmentMaxBytes } = channel.settings;
  const outbound: NonNullable<NonNullable<RulesOverrides['attachments']>['outbound']> = {};
  for (const kind of mediaKinds) {
    const max = attachmentMaxBytes[kind];
    if (max !== undefined) outbound[kind] = { maxBytes: max };
  }
  if (textMaxLength === null && Object.keys(outbound).length === 0) return start;
  return overlayRules(start, {
    ...(textMaxLength === null ? {} : { text: { maxLength: textMaxLength } }),
    attachments: { outbound },
  });
}
