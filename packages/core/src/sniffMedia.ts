// The content type of a downloaded file, read from its first bytes rather than from a header a
// server may get wrong: the signatures of the formats Messenger and Instagram deliver
// (WHATWG MIME Sniffing, https://mimesniff.spec.whatwg.org/#matching-an-image-type-pattern).

const ascii = (bytes: Uint8Array, at: number, text: string) =>
  bytes.length >= at + text.length && [...text].every((c, i) => bytes[at + i] === c.charCodeAt(0));

const starts = (bytes: Uint8Array, signature: readonly number[]) =>
  bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);

/** The MIME type the bytes are, or `application/octet-stream` when no known signature matches. */
export function sniffContentType(bytes: Uint8Array): string {
  if (starts(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(bytes, 0, 'GIF87a') || ascii(bytes, 0, 'GIF89a')) return 'image/gif';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WEBP')) return 'image/webp';
  if (ascii(bytes, 0, 'RIFF') && ascii(bytes, 8, 'WAVE')) return 'audio/wav';
  if (ascii(bytes, 4, 'ftyp')) {
    if (ascii(bytes, 8, 'qt  ')) return 'video/quicktime';
    if (ascii(bytes, 8, 'M4A ')) return 'audio/mp4';
    if (ascii(bytes, 8, 'heic') || ascii(bytes, 8, 'heix') || ascii(bytes, 8, 'mif1')) return 'image/heic';
    if (ascii(bytes, 8, '3gp')) return 'video/3gpp';
    return 'video/mp4';
  }
  if (starts(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video/webm';
  if (ascii(bytes, 0, 'OggS')) return 'audio/ogg';
  if (ascii(bytes, 0, 'ID3') || (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0))
    return 'audio/mpeg';
  if (ascii(bytes, 0, '#!AMR')) return 'audio/amr';
  if (ascii(bytes, 0, '%PDF-')) return 'application/pdf';
  if (starts(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'application/zip';
  return 'application/octet-stream';
}

const extensions: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'audio/wav': 'wav',
  'audio/mp4': 'm4a',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/3gpp': '3gp',
  'video/webm': 'webm',
  'application/pdf': 'pdf',
  'application/zip': 'zip',
};

/** The file extension for a sniffed type (`bin` when unknown). */
export function extensionFor(contentType: string): string {
  return extensions[contentType] ?? 'bin';
}

/** The sniffed type of a file extension, for serving a stored file back. */
export function contentTypeOfExtension(extension: string): string {
  return Object.entries(extensions).find(([, ext]) => ext === extension)?.[0] ?? 'application/octet-stream';
}
