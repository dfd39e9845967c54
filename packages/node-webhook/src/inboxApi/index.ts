// The agent-facing REST + SSE API that `httpTransport()` of `@pagedesk/react` speaks.
export {
  type AuthorizeContext,
  type AuthorizeResult,
  createInboxApi,
  type InboxApi,
  type InboxApiErrorContext,
  type InboxApiOptions,
  type InboxApiRoute,
} from './createInboxApi.js';
export { inProcessFanout, type LiveEventDraft, type LiveFanout } from './liveEvents.js';
export {
  type MemoryUploadStoreOptions,
  memoryUploadStore,
  type StoredUpload,
  type UploadInput,
  type UploadStore,
} from './uploads.js';
