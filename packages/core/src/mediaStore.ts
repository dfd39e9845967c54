// Where copies of inbound media live. The seam is two calls, so S3, GCS or a CDN plug in with a few
// lines; `fileMediaStore` in `@pagedesk/core/server` keeps them on one machine's disk.

/** Keeps copies of inbound attachments; `put` returns the URL the inbox shows. */
export interface MediaStore {
  /** Stores `bytes` under `key` (`<channel>/<message>/<n>.<ext>`); resolves with the URL to show. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<string>;
  /** Reads a stored copy back (for a host that serves the files itself). */
  get?(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
  /**
   * Deletes every copy whose key starts with `prefix`, a folder of keys ending in `/`, and resolves with
   * how many went (with S3: list the prefix and delete what it lists). A purged channel
   * (`channels.purge`, Meta's data-deletion callback) calls it with the channel's prefix, `<channel>/`,
   * so no copy of its customers' media outlives it. Without it, the purge report has no `media` count and the
   * copies stay until the host deletes them.
   */
  deletePrefix?(prefix: string): Promise<number>;
}

/** Makes an id safe as one segment of a media key. */
export const mediaKeySegment = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_');

/** The key prefix every copy of a channel's media starts with (messages' attachments and avatars). */
export const channelMediaPrefix = (channelId: string): string => `${mediaKeySegment(channelId)}/`;
