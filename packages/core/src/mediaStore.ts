// Where copies of inbound media live. The seam is two calls, so S3, GCS or a CDN plug in with a few
// lines; `fileMediaStore` in `@pagedesk/core/server` keeps them on one machine's disk.

/** Keeps copies of inbound attachments; `put` returns the URL the inbox shows. */
export interface MediaStore {
  /** Stores `bytes` under `key` (`<channel>/<message>/<n>.<ext>`); resolves with the URL to show. */
  put(key: string, bytes: Uint8Array, contentType: string): Promise<string>;
  /** Reads a stored copy back (for a host that serves the files itself). */
  get?(key: string): Promise<{ bytes: Uint8Array; contentType: string } | undefined>;
}
