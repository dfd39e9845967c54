import { randomBytes } from 'node:crypto';

// Meta's Graph error JSON (docs/meta-platform.md). Clients must classify by code + subcode, so the
// messages below are readable approximations of Meta's wording, not contractual text.

/** Meta's error body: `{ error: { message, type, code, error_subcode?, fbtrace_id, is_transient? } }`. */
export interface MetaErrorBody {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    fbtrace_id: string;
    is_transient?: boolean;
    error_user_title?: string;
    error_user_msg?: string;
  };
}

/** A Graph API failure the emulator answers with: an HTTP status, Meta's JSON and extra headers. */
export class MetaError extends Error {
  readonly status: number;
  readonly body: MetaErrorBody;
  readonly headers: Record<string, string>;
  constructor(
    status: number,
    code: number,
    message: string,
    options: { subcode?: number; type?: string; transient?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'MetaError';
    this.status = status;
    this.headers = options.headers ?? {};
    this.body = {
      error: {
        message,
        type: options.type ?? 'OAuthException',
        code,
        ...(options.subcode === undefined ? {} : { error_subcode: options.subcode }),
        ...(options.transient === undefined ? {} : { is_transient: options.transient }),
        fbtrace_id: fbtraceId(),
      },
    };
  }
}

function fbtraceId(): string {
  return `A${randomBytes(15).toString('base64url')}`;
}

/** `(#100)` invalid parameter, optionally with a subcode. */
export const invalidParam = (message: string, subcode?: number) =>
  new MetaError(400, 100, `(#100) ${message}`, {
    ...(subcode === undefined ? {} : { subcode }),
    type: 'OAuthException',
  });

export const windowClosed = (platform: 'messenger' | 'instagram') =>
  new MetaError(
    400,
    10,
    platform === 'instagram'
      ? '(#10) This message is sent outside of allowed window.'
      : '(#10) This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview',
    { subcode: platform === 'instagram' ? 2534022 : 2018278 },
  );

export const permissionError = (message: string, subcode?: number) =>
  new MetaError(403, 200, `(#200) ${message}`, subcode === undefined ? {} : { subcode });

export const noMatchingUser = () => invalidParam('No matching user found', 2018001);

export const unsupportedRequest = (method: string, path: string) =>
  new MetaError(
    400,
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${path}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    { subcode: 33, type: 'GraphMethodException' },
  );
