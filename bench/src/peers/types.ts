import type { SignedBody } from '../payloads.js';

/** One library's own verify + parse of a signed delivery, the way its docs and source do it. */
export interface InProcessContender {
  name: string;
  /** Installed version (read from its package.json). */
  version: string;
  /** What it checks: signature algorithm, comparison, payload validation. */
  validates: string;
  /** Whether it types or validates events (the targets say Pagedesk must beat these). */
  typesEvents: boolean;
  /** Builds the handler once; the handler throws when the delivery is rejected. Returns the events. */
  create(): Promise<(body: SignedBody) => unknown>;
}
