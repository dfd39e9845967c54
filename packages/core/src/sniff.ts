import { formatBytes, mediaTypeOfName } from './attachments.js';
import { RuleViolationError } from './errors.js';

// What a file is, from its first bytes. A browser's declared type is whatever the agent's machine (or
// an attacker) says; the send path checks Meta's rules against the type the bytes show. A small table
// of magic numbers rather than a library: `file-type` is ESM-only (Pagedesk ships CJS too) and knows
// hundreds of formats Meta never takes; this covers the image, video, audio and document formats of
// the rules profiles, the containers office files use, and executables, which must never pass as media.

/** How many leading bytes `sniffMediaType` reads. */
export const SNIFF_BYTES = 64;

const ascii = (bytes: Uint8Array, at: number, text: string) => {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};
const starts = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

function isoMedia(bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 4, 'ftyp')) return undefined;
  const brand = String.fromCharCode(...bytes.subarray(8, 12));
  if (brand === 'M4A ' || brand === 'M4B ' || brand === 'M4P ') return 'audio/mp4';
  if (brand === 'qt  ') return 'video/quicktime';
  if (brand.startsWith('3g')) return 'video/3gpp';
  if (brand === 'heic' || brand === 'heix' || brand === 'heim' || brand === 'heis') return 'image/heic';
  if (brand === 'mif1' || brand === 'msf1') return 'image/heif';
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  return 'video/mp4';
}

function riff(bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 0, 'RIFF')) return undefined;
  if (ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 8, 'AVI ')) return 'video/x-msvideo';
  return undefined;
}

function ogg(bytes: Uint8Array): string | undefined {
  if (!ascii(bytes, 0, 'OggS')) return undefined;
  // The first page's packet names the codec: Theora is video; Vorbis, Opus and FLAC are audio.
  const head = String.fromCharCode(...bytes.subarray(28, 36));
  return head.includes('theora') ? 'video/ogg' : 'audio/ogg';
}

function mpegAudio(bytes: Uint8Array): string | undefined {
  if (ascii(bytes, 0, 'ID3')) return 'audio/mpeg';
  if (bytes[0] !== 0xff || bytes[1] === undefined || (bytes[1] & 0xe0) !== 0xe0) return undefined;
  // Frame sync: layer bits 00 mark ADTS (AAC), any other layer MPEG audio (MP3).
  return (bytes[1] & 0x06) === 0 ? 'audio/aac' : 'audio/mpeg';
}

/**
 * The media type the first bytes of a file show, or undefined when they match no known signature
 * (plain text, CSV and other formats without one).
 *
 * @param head - at least the first {@link SNIFF_BYTES} bytes (fewer for a shorter file).
 *
 * @example
 * sniffMediaType(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])); // 'image/png'
 * sniffMediaType(new TextEncoder().encode('MZ\x90\x00')); // 'application/x-msdownload'
 */
export function sniffMediaType(head: Uint8Array): string | undefined {
  if (starts(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 0, 'GIF87a') || ascii(head, 0, 'GIF89a')) return 'image/gif';
  if (ascii(head, 0, '%PDF-')) return 'application/pdf';
  if (starts(head, [0x1a, 0x45, 0xdf, 0xa3])) {
    const doc = String.fromCharCode(...head.subarray(0, SNIFF_BYTES));
    return doc.includes('webm') ? 'video/webm' : 'video/x-matroska';
  }
  if (ascii(head, 0, '#!AMR')) return 'audio/amr';
  if (ascii(head, 0, 'fLaC')) return 'audio/flac';
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'application/x-cfb';
  if (starts(head, [0x1f, 0x8b])) return 'application/gzip';
  if (ascii(head, 0, 'Rar!')) return 'application/vnd.rar';
  if (starts(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return 'application/x-7z-compressed';
  if (ascii(head, 0, 'MZ')) return 'application/x-msdownload';
  if (starts(head, [0x7f, 0x45, 0x4c, 0x46])) return 'application/x-executable';
  for (const magic of [
    [0xfe, 0xed, 0xfa, 0xce],
    [0xfe, 0xed, 0xfa, 0xcf],
    [0xce, 0xfa, 0xed, 0xfe],
    [0xcf, 0xfa, 0xed, 0xfe],
    [0xca, 0xfe, 0xba, 0xbe],
  ])
    if (starts(head, magic)) return 'application/x-mach-binary';
  return isoMedia(head) ?? riff(head) ?? ogg(head) ?? mpegAudio(head);
}

// Types the table recognises by their bytes: a file declared as one of these whose bytes show none
// is not what it claims.
const SIGNED = new Set([
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/avif',
  'application/pdf',
  'video/mp4',
  'video/quicktime',
  'video/3gpp',
  'video/webm',
  'video/x-msvideo',
  'video/avi',
  'video/ogg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/wav',
  'audio/x-wav',
  'audio/wave',
  'audio/ogg',
  'audio/mpeg',
  'audio/amr',
  'audio/flac',
]);

// A declared type the bytes confirm although the sniffed type differs: the container is the same
// (office documents are zip or CFB files, m4a audio is an MP4 file) or the name is an alias.
const FAMILIES: ReadonlyArray<readonly string[]> = [
  ['image/jpeg', 'image/jpg', 'image/pjpeg'],
  ['video/mp4', 'video/quicktime', 'video/x-m4v', 'video/3gpp', 'audio/mp4', 'audio/x-m4a', 'audio/m4a'],
  ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
  ['audio/ogg', 'video/ogg', 'application/ogg', 'audio/opus'],
  ['video/webm', 'audio/webm', 'video/x-matroska'],
  ['video/x-msvideo', 'video/avi'],
  ['audio/mpeg', 'audio/mp3'],
  ['audio/aac', 'audio/x-aac'],
  ['image/heic', 'image/heif'],
  [
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.oasis.opendocument.presentation',
    'application/epub+zip',
    'application/vnd.android.package-archive',
  ],
  ['application/x-cfb', 'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint'],
];

/** True for a type whose files always start with a signature the table knows. */
export function isSignedType(type: string): boolean {
  return SIGNED.has(type);
}

function sameFamily(a: string, b: string): boolean {
  return a === b || FAMILIES.some((family) => family.includes(a) && family.includes(b));
}

/**
 * The type to store for an upload: the declared type when the bytes confirm it (or show nothing and
 * it is a type without a signature, such as text/csv), else what the bytes show, else
 * `application/octet-stream` (declared as a signed type such as image/png, but the bytes are not).
 *
 * @param declared - the browser's type essence, lower case (`application/octet-stream` when none).
 * @param head - the file's first {@link SNIFF_BYTES} bytes.
 *
 * @example
 * storedMediaType('image/png', exeBytes); // 'application/x-msdownload'
 * storedMediaType('application/vnd.openxmlformats-officedocument.wordprocessingml.document', zipBytes); // the declared docx type
 */
export function storedMediaType(declared: string, head: Uint8Array): string {
  const sniffed = sniffMediaType(head);
  if (sniffed === undefined) return SIGNED.has(declared) ? 'application/octet-stream' : declared;
  if (declared !== 'application/octet-stream' && sameFamily(declared, sniffed)) return declared;
  return sniffed;
}

/** A file as the agent's draft describes it, and as the upload store recorded it. */
export interface UploadFacts {
  name: string;
  type: string;
  size: number;
}

/**
 * Checks a draft's attachment against the stored upload it names: the size and type the server
 * recorded (real byte count, type from the bytes) must be what the draft says, and a file whose bytes
 * show nothing must not claim, by its extension, a type that always has a signature. Returns the
 * stored facts, which the send path then checks against Meta's rules.
 *
 * @throws RuleViolationError (`upload_mismatch`) naming the file and what does not match.
 *
 * @example
 * checkUploadedFile({ name: 'a.png', type: 'image/png', size: 1024 }, { name: 'a.png', type: 'image/png', size: 31457280 });
 * // throws: a.png is 30 MB, not 1 KB as the draft says.
 */
export function checkUploadedFile(draft: UploadFacts, stored: UploadFacts): UploadFacts {
  const name = stored.name || draft.name || 'The file';
  if (draft.size !== stored.size)
    throw new RuleViolationError(
      'upload_mismatch',
      `${name} is ${formatBytes(stored.size)}, not ${formatBytes(draft.size)} as the draft says.`,
    );
  if (draft.type !== stored.type)
    throw new RuleViolationError(
      'upload_mismatch',
      `${name} is ${stored.type}, not ${draft.type} as the draft says.`,
    );
  const claimed = mediaTypeOfName(name);
  if (stored.type === 'application/octet-stream' && claimed !== null && SIGNED.has(claimed))
    throw new RuleViolationError(
      'upload_mismatch',
      `${name} does not contain what its name says (${claimed}): its bytes match no such file.`,
    );
  return { name: draft.name, type: stored.type, size: stored.size };
}
