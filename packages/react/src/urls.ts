/** Which attachment and link URLs the kit renders. */
export interface UrlPolicy {
  /**
   * Also allow `http:` for `localhost`, `127.0.0.1` and `[::1]`, so the local emulator demo shows its
   * attachments. Off by default: production attachments are always https (Meta's CDN, your uploads).
   */
  allowLocalHttp?: boolean;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Returns the URL when it is safe to put in `src`/`href` of an attachment (https, or local http when
 * allowed), otherwise `undefined`. Relative URLs, `javascript:`, `data:`, `blob:` and `file:` are refused:
 * an attachment URL comes from a customer's message, so nothing but a plain web address is trusted.
 *
 * @example
 * safeAttachmentUrl('https://cdn.fbsbx.com/a.png'); // 'https://cdn.fbsbx.com/a.png'
 * safeAttachmentUrl('javascript:alert(1)');         // undefined
 */
export function safeAttachmentUrl(value: string | undefined, policy: UrlPolicy = {}): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.username || url.password) return undefined;
  if (url.protocol === 'https:') return url.href;
  if (url.protocol === 'http:' && policy.allowLocalHttp && LOCAL_HOSTS.has(url.hostname)) return url.href;
  return undefined;
}

// A path on the page's own origin: one slash, then only the characters of a URL (RFC 3986), so
// nothing a browser reads as another host (a second slash, a backslash, a tab or newline it drops).
const OWN_PATH = /^\/(?!\/)[\w\-.~%!$&'()*+,;=:@/?#]*$/;

// The host's own copy of a file (`archivedUrl`): what safeAttachmentUrl allows, or a path on the page's
// origin as `fileMediaStore` returns it (`/pagedesk/media/...`). Only the host's media store writes that
// field, so a path is trusted here, never in a URL from a customer's message.
export function safeArchivedUrl(value: string | undefined, policy: UrlPolicy = {}): string | undefined {
  return OWN_PATH.test(value ?? '') ? value : safeAttachmentUrl(value, policy);
}

/**
 * Returns the URL when a link in message text may point at it: http(s), mailto or tel. Anything else
 * (`javascript:`, `data:`, `vbscript:`...) is rendered as plain text.
 */
export function safeLinkUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol === 'https:' || url.protocol === 'http:')
    return url.username || url.password ? undefined : url.href;
  if (url.protocol === 'mailto:' || url.protocol === 'tel:') return url.href;
  return undefined;
}
