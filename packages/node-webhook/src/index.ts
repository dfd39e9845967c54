// @pagedesk/node-webhook: the Meta-facing door of a helpdesk server (verified, parsed, deduplicated
// webhooks and signed_request callbacks) and the inbox REST + SSE API for the React kit. What the README
// documents, listed by name. Meta's wire format (schemas and types) is `@pagedesk/node-webhook/meta`;
// test signers are `@pagedesk/core/testing`.
export type { MetaApp } from './apps.js';
export {
  type CreateWebhookOptions,
  createWebhook,
  type Webhook,
  type WebhookErrorContext,
} from './createWebhook.js';
export { type DedupeStore, type LruDedupeOptions, lruDedupe } from './dedupe.js';
export { SignatureError, WebhookContentError, WebhookPayloadError } from './errors.js';
export {
  type AuthorizeContext,
  type AuthorizeResult,
  createInboxApi,
  type HealthReport,
  type InboxApi,
  type InboxApiErrorContext,
  type InboxApiOptions,
  type InboxApiRoute,
  type InboxPrincipal,
  inProcessFanout,
  type LiveEventDraft,
  type LiveFanout,
  type LiveScope,
  type MemoryUploadStoreOptions,
  memoryUploadStore,
  type StoredUpload,
  type UploadInput,
  type UploadStore,
} from './inboxApi/index.js';
export {
  createMetaCallbacks,
  type MetaCallbackErrorContext,
  type MetaCallbackHandler,
  type MetaCallbacks,
  type MetaCallbacksOptions,
  type PurgeableChannels,
  parseSignedRequest,
  purgeOnDataDeletion,
  type SignedRequestPayload,
} from './metaCallbacks.js';
export {
  BodyAlreadyParsedError,
  BodyTooLargeError,
  DEFAULT_MAX_BODY_BYTES,
  type NodeErrorContext,
  type NodeHandlerOptions,
  nodeHandler,
  type ToWebRequestOptions,
  toWebRequest,
  writeWebResponse,
} from './nodeAdapter.js';
export { type ParseWebhookOptions, parseWebhook } from './parseWebhook.js';
export {
  assertSignature,
  assertSignatureAsync,
  type RawBody,
  type VerifySignatureOptions,
  verifySignature,
  verifySignatureAsync,
} from './signature.js';
