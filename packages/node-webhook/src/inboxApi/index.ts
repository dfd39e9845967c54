// The agent-facing REST + SSE API that `httpTransport()` of `@pagedesk/react` speaks.
export { createInboxApi } from './createInboxApi.js';
export type { HealthReport } from './healthRoutes.js';
export { inProcessFanout, type LiveEventDraft, type LiveFanout, type LiveScope } from './liveEvents.js';
export type {
  AuthorizeContext,
  InboxApi,
  InboxApiErrorContext,
  InboxApiOptions,
  InboxApiRoute,
} from './options.js';
export type { AuthorizeResult, InboxPrincipal } from './principal.js';
export {
  type MemoryUploadStoreOptions,
  memoryUploadStore,
  type StoredUpload,
  type UploadInput,
  type UploadStore,
} from './uploads.js';
