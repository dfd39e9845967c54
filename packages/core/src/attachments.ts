import * as z from 'zod/mini';
import { wholeNumber } from './checks.js';
import type { Platform } from './model.js';
import { parseOrThrow } from './parseOrThrow.js';
import { type MediaKind, type MediaRule, mediaKinds, platformRules, type Rules } from './rules.js';
import { checkText, splitText } from './text.js';

/** A file as a browser `File` or an upload describes it. */
export interface AttachmentInput {
  name: string;
  /** The MIME type; empty or `application/octet-stream` makes the extension decide. */
  type: string;
  /** Bytes. */
  size: number;
}

/** Why a file cannot be sent or received. */
export type AttachmentFailureCode = 'empty' | 'too_large' | 'type_not_allowed' | 'unknown_type';

/** A failed `checkAttachment`: the rule it breaks, and a sentence fit to show an agent. */
export interface AttachmentFailure {
  ok: false;
  code: AttachmentFailureCode;
  message: string;
  /** For `too_large`: the limit in bytes. */
  limit?: number;
  /** The kind the file was classified as, when it could be. */
  kind?: MediaKind;
  /** For `type_not_allowed`: the MIME types the kind accepts. */
  allowed?: readonly string[];
}

/** The result of `checkAttachment`. */
export type AttachmentCheck = { ok: true; kind: MediaKind; type: string } | AttachmentFailure;

const inputSchema = z.object({
  name: z.string(),
  type: z.string(),
  size: z.number().check(wholeNumber(), z.minimum(0)),
});

/**
 * Bytes as a short human text: `512 B`, `9.5 KB`, `8 MB`.
 *
 * @example
 * formatBytes(8 * 1024 * 1024); // '8 MB'
 */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = value < 10 && unit > 0 ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${units[unit]}`;
}

// Extension → MIME type for files whose type the browser left empty. A table rather than mime/lite:
// mime/lite's standard database alone is 4 KB gzipped, a fifth of the core's browser budget, and
// still lacks the Office types helpdesks see most. It covers every extension of the built-in profiles
// plus the common ones an agent may attach; anything else is `unknown_type`, with a message saying so.
const extensionTypes: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heif',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  ico: 'image/x-icon',
  mp4: 'video/mp4',
  m4v: 'video/x-m4v',
  mov: 'video/quicktime',
  '3gp': 'video/3gpp',
  webm: 'video/webm',
  ogv: 'video/ogg',
  avi: 'video/x-msvideo',
  mkv: 'video/x-matroska',
  mpg: 'video/mpeg',
  mpeg: 'video/mpeg',
  wmv: 'video/x-ms-wmv',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
  aac: 'audio/aac',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/opus',
  amr: 'audio/amr',
  flac: 'audio/flac',
  weba: 'audio/webm',
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ppt: 'application/vnd.ms-powerpoint',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  odt: 'application/vnd.oasis.opendocument.text',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odp: 'application/vnd.oasis.opendocument.presentation',
  rtf: 'application/rtf',
  csv: 'text/csv',
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  htm: 'text/html',
  ics: 'text/calendar',
  vcf: 'text/vcard',
  json: 'application/json',
  xml: 'application/xml',
  epub: 'application/epub+zip',
  zip: 'application/zip',
  rar: 'application/vnd.rar',
  '7z': 'application/x-7z-compressed',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  exe: 'application/x-msdownload',
  apk: 'application/vnd.android.package-archive',
};

function typeOfExtension(extension: string): string | null {
  return Object.hasOwn(extensionTypes, extension) ? extensionTypes[extension]! : null;
}

function extensionOf(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return name.slice(dot + 1).toLowerCase();
}

/**
 * The MIME type a file name's extension stands for, or null when the extension is unknown.
 *
 * @example
 * mediaTypeOfName('Invoice.PDF'); // 'application/pdf'
 */
export function mediaTypeOfName(name: string): string | null {
  const extension = extensionOf(name);
  return extension ? typeOfExtension(extension) : null;
}

function typeMatches(type: string, pattern: string): boolean {
  if (pattern === '*/*') return true;
  const p = pattern.toLowerCase();
  return p.endsWith('/*') ? type.startsWith(p.slice(0, -1)) : type === p;
}

function familyOf(type: string): MediaKind {
  const family = type.slice(0, type.indexOf('/'));
  return family === 'image' || family === 'video' || family === 'audio' ? family : 'file';
}

const kindNames: Record<MediaKind, string> = {
  image: 'Images',
  video: 'Videos',
  audio: 'Audio files',
  file: 'Files',
};

function describeTypes(rule: MediaRule): string {
  if (rule.extensions.length > 0) return rule.extensions.map((e) => e.toUpperCase()).join(', ');
  return rule.types.join(', ');
}

/**
 * Classifies a file (image, video, audio or file) by its MIME type, or by its extension when the type
 * is missing, and checks it against the profile of one direction.
 *
 * @param file - `{ name, type, size }`, e.g. a browser `File`.
 * @param options - `direction` (`outbound` for what an agent sends), and `rules` or `platform`
 *   (Meta's profile of that platform; Messenger by default).
 * @returns `{ ok: true, kind, type }` or a failure with a `code`, the `limit` it breaks and a `message`.
 * @throws ValidationError when `file` is not `{ name: string, type: string, size: integer >= 0 }`.
 *
 * @example
 * checkAttachment({ name: 'photo.png', type: 'image/png', size: 9_000_000 }, { direction: 'outbound' });
 * // { ok: false, code: 'too_large', limit: 8388608, kind: 'image', message: 'photo.png is 8.6 MB; images can be at most 8 MB.' }
 */
export function checkAttachment(
  file: AttachmentInput,
  options: { direction: 'inbound' | 'outbound'; rules?: Rules; platform?: Platform },
): AttachmentCheck {
  const { name, type, size } = parseOrThrow(inputSchema, file, 'attachment', 'file');
  const direction = options?.direction;
  if (direction !== 'inbound' && direction !== 'outbound') {
    parseOrThrow(z.enum(['inbound', 'outbound']), direction, 'attachment options', 'direction');
  }
  const rules = options.rules ?? platformRules(options.platform ?? 'messenger');
  const label = name || 'This file';
  if (size === 0) return { ok: false, code: 'empty', message: `${label} is empty.` };

  const extension = extensionOf(name);
  const given = type.split(';')[0]?.trim().toLowerCase() ?? '';
  const resolved =
    given && given !== 'application/octet-stream' ? given : extension ? typeOfExtension(extension) : null;
  if (!resolved) {
    return {
      ok: false,
      code: 'unknown_type',
      message: `${label} has no recognisable type; give it an extension such as .pdf or .jpg.`,
    };
  }

  const table = rules.attachments[direction];
  const kind = mediaKinds.find((k) => table[k].types.some((pattern) => typeMatches(resolved, pattern)));
  if (!kind) {
    const family = familyOf(resolved);
    const rule = table[family];
    return {
      ok: false,
      code: 'type_not_allowed',
      kind: family,
      allowed: rule.types,
      message: `${label} (${resolved}) cannot be ${direction === 'outbound' ? 'sent' : 'received'}; ${kindNames[family].toLowerCase()} allowed: ${describeTypes(rule)}.`,
    };
  }
  const rule = table[kind];
  if (extension && rule.extensions.length > 0 && !rule.extensions.includes(extension)) {
    return {
      ok: false,
      code: 'type_not_allowed',
      kind,
      allowed: rule.types,
      message: `${label}: .${extension} ${kindNames[kind].toLowerCase()} cannot be ${direction === 'outbound' ? 'sent' : 'received'}; allowed: ${describeTypes(rule)}.`,
    };
  }
  if (size > rule.maxBytes) {
    return {
      ok: false,
      code: 'too_large',
      kind,
      limit: rule.maxBytes,
      message: `${label} is ${formatBytes(size)}; ${kindNames[kind].toLowerCase()} can be at most ${formatBytes(rule.maxBytes)}.`,
    };
  }
  return { ok: true, kind, type: resolved };
}

/** A file the agent attached, as the send path needs it. */
export interface OutboundFile {
  name: string;
  type: string;
  size: number;
  /** Where Meta fetches it. */
  url?: string;
  /** A reusable upload id (Attachment Upload API). */
  attachmentId?: string;
}

/** One Send API message of a planned reply. */
export type ReplyPart =
  | { type: 'text'; text: string }
  | { type: 'images'; files: OutboundFile[] }
  | { type: 'attachment'; kind: MediaKind; file: OutboundFile };

/** Why a reply cannot be sent as it is. */
export interface ReplyProblem {
  code: 'empty_reply' | 'text_too_long' | AttachmentFailureCode;
  message: string;
  limit?: number;
  /** For attachment problems: the attachment's position in the draft. */
  index?: number;
}

/** The result of `planReply`. */
export type ReplyPlan = { ok: true; parts: ReplyPart[] } | { ok: false; problems: ReplyProblem[] };

const fileSchema = z.object({
  name: z.string(),
  type: z.string(),
  size: z.number().check(wholeNumber(), z.minimum(0)),
  url: z.optional(z.string()),
  attachmentId: z.optional(z.string()),
});
const draftSchema = z.object({ text: z.optional(z.string()), attachments: z.optional(z.array(fileSchema)) });

/**
 * Plans the Send API messages of one reply, as a pure function the composer can preview: the text
 * first (split into several messages when `split` is set and it is too long), then the attachments
 * in the order given, each checked; consecutive images share a message up to `imagesPerMessage`
 * (a lone image is an `attachment` part), every other file is a message of its own. A text that is
 * only whitespace is no part.
 *
 * @returns `{ ok: true, parts }`, or `{ ok: false, problems }` listing every problem at once.
 * @throws ValidationError when the draft is malformed (naming the field, e.g. `attachments[1].size`).
 *
 * @example
 * planReply({ text: 'Here you go', attachments: [a, b, pdf] });
 * // { ok: true, parts: [{ type: 'text', ... }, { type: 'images', files: [a, b] }, { type: 'attachment', kind: 'file', file: pdf }] }
 */
export function planReply(
  draft: { text?: string; attachments?: readonly OutboundFile[] },
  options: { rules?: Rules; platform?: Platform; split?: boolean } = {},
): ReplyPlan {
  const parsed = parseOrThrow(draftSchema, draft, 'reply');
  const rules = options.rules ?? platformRules(options.platform ?? 'messenger');
  const problems: ReplyProblem[] = [];
  const parts: ReplyPart[] = [];

  const text = parsed.text;
  if (text !== undefined && text.trim() !== '') {
    const check = checkText(text, rules);
    if (check.ok) parts.push({ type: 'text', text });
    else if (options.split) {
      for (const part of splitText(text, rules))
        if (part.trim() !== '') parts.push({ type: 'text', text: part });
    } else {
      problems.push({
        code: 'text_too_long',
        limit: check.limit,
        message: `The text is ${check.length} ${check.unit}; one message can hold ${check.limit} ${check.unit}.`,
      });
    }
  }

  const files = parsed.attachments ?? [];
  let images: OutboundFile[] = [];
  const flushImages = () => {
    for (let i = 0; i < images.length; i += rules.imagesPerMessage) {
      const group = images.slice(i, i + rules.imagesPerMessage);
      if (group.length === 1) parts.push({ type: 'attachment', kind: 'image', file: group[0]! });
      else parts.push({ type: 'images', files: group });
    }
    images = [];
  };
  files.forEach((input, index) => {
    const check = checkAttachment(input, { direction: 'outbound', rules });
    if (!check.ok) {
      problems.push({
        code: check.code,
        message: check.message,
        index,
        ...(check.limit === undefined ? {} : { limit: check.limit }),
      });
      return;
    }
    // The caller's own object, extra fields (an upload id) included, with the resolved type.
    const file = { ...(draft.attachments?.[index] ?? input), type: check.type } as OutboundFile;
    if (check.kind === 'image') images.push(file);
    else {
      flushImages();
      parts.push({ type: 'attachment', kind: check.kind, file });
    }
  });
  flushImages();

  if (problems.length === 0 && parts.length === 0) {
    problems.push({ code: 'empty_reply', message: 'Write a message or attach a file.' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, parts };
}
