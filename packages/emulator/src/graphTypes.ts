import type { PageState } from './world.js';

// The shapes every Graph route shares: the request as the server parsed it, the answer, and who called.

/** A file part of a multipart Graph call (`filedata`). */
export interface UploadedFile {
  bytes: Buffer;
  type: string;
  name: string;
}

export interface GraphRequest {
  method: string;
  /** Path segments after the version, e.g. `['me', 'messages']`. */
  segments: string[];
  /** Query and body parameters merged, as Meta does. */
  params: Record<string, unknown>;
  files: Map<string, UploadedFile>;
  authorization: string | undefined;
}

export interface GraphResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Who a Graph call's access token belongs to: the app, the admin user, or one or more pages. */
export type Caller =
  | { kind: 'app' }
  | { kind: 'user'; token: string }
  | { kind: 'page'; token: string; pages: PageState[] };

/** A 200 answer. */
export function ok(body: unknown): GraphResult {
  return { status: 200, body };
}
