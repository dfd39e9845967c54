// @pagedesk/core/server: everything that talks to Meta's Graph API. Node only (node:crypto for
// appsecret_proof). The isomorphic rules and error classes stay in '@pagedesk/core'.
// Names are listed one by one: the modules behind them also export internals the parts share.

export {
  ATTACHMENT_ID_TTL_MS,
  type AttachmentCache,
  defaultAttachmentHash,
  memoryAttachmentCache,
} from './server/attachmentCache.js';
export { createChannels } from './server/channels.js';
export type {
  AgentProfile,
  ChannelCheck,
  ChannelHandle,
  ChannelsOptions,
  ServerChannels,
} from './server/channels.types.js';
export { ChannelConflictError } from './server/connect.js';
export { type CreateChannelOptions, createChannel, type SingleChannel } from './server/createChannel.js';
export {
  createGraphClient,
  DEFAULT_GRAPH_VERSION,
  type GraphClient,
  type GraphClientOptions,
  type TokenInfo,
} from './server/graphClient.js';
export {
  type GraphResponseInfo,
  type GraphUsage,
  graphErrorFrom,
  isRateLimitCode,
  parseUsageHeaders,
  redact,
} from './server/graphErrors.js';
export type { GraphRequest, GraphRequestInfo } from './server/graphRequest.js';
export type {
  GraphPage,
  HistoryConversation,
  HistoryMessage,
  PageGraph,
  SendResult,
  SubscribedApp,
  UserProfile,
} from './server/pageGraph.js';
export { INSTAGRAM_FIELDS, MESSENGER_FIELDS, REQUIRED_SCOPES } from './server/pageRequirements.js';
export type { ReconcileOptions, ReconcileResult } from './server/reconcile.js';
export {
  buildSendBody,
  type OutboundAttachment,
  type QuickReply,
  type SendMessageRequest,
  type SendRecipient,
} from './server/sendBody.js';
export { HUMAN_AGENT_REFUSED_TEXT } from './server/sendPolicy.js';
export {
  createTokenMonitor,
  type TokenMonitor,
  type TokenMonitorEvents,
  type TokenMonitorOptions,
} from './server/tokenMonitor.js';
export type * from './server/types.js';
export type { AccountPage, UserGraph } from './server/userGraph.js';
