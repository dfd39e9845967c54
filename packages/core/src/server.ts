// @pagedesk/core/server: everything that talks to Meta's Graph API. Node only (node:crypto for
// appsecret_proof). The isomorphic rules and error classes stay in '@pagedesk/core'.
// Names are listed one by one: the modules behind them also export internals the parts share.

export { threadControlRefusal } from './sendRules.js';
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
  ConnectInstagramInput,
  ReconcileOptions,
  ServerChannels,
  SurveyDefaults,
} from './server/channels.types.js';
export { ChannelConflictError } from './server/connect.js';
export { type CreateChannelOptions, createChannel, type SingleChannel } from './server/createChannel.js';
export {
  CredentialsDecryptionError,
  type CredentialsDecryptionFailure,
  type CredentialsKey,
  type EncryptCredentialsOptions,
  type EncryptedCredentialsStore,
  encryptCredentials,
  ReencryptIncompleteError,
} from './server/encryptCredentials.js';
export {
  createFacebookLogin,
  type FacebookLogin,
  type FacebookLoginOptions,
  type GrantedPermissions,
} from './server/facebookLogin.js';
export { type FileMediaStoreOptions, fileMediaStore } from './server/fileMediaStore.js';
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
export { INSTAGRAM_LOGIN_FIELDS } from './server/instagramChannels.js';
export {
  createInstagramLogin,
  type InstagramLogin,
  type InstagramLoginOptions,
} from './server/instagramLogin.js';
export type { InstagramToken } from './server/instagramTokens.js';
export {
  AuthorizationCodeError,
  type AuthorizationCodeFailure,
  LoginDeclinedError,
  LoginStateError,
  type LoginStateFailure,
  type MissingPermission,
  MissingPermissionsError,
  RefreshTooEarlyError,
} from './server/loginErrors.js';
export {
  FACEBOOK_LOGIN_PERMISSIONS,
  type FacebookCapability,
  INSTAGRAM_LOGIN_PERMISSIONS,
  type InstagramCapability,
} from './server/loginPermissions.js';
export {
  type LoginAppOptions,
  type LoginRedirect,
  type LoginRedirectInput,
  parseLoginRedirect,
} from './server/loginRedirect.js';
export {
  consumeLoginState,
  createLoginState,
  type LoginStateOptions,
  memoryUsedLoginStates,
  type UsedLoginStates,
  type VerifyLoginStateOptions,
  verifyLoginState,
} from './server/loginState.js';
export type { ModerateOptions } from './server/moderation.js';
export { INSTAGRAM_FIELDS, MESSENGER_FIELDS, REQUIRED_SCOPES } from './server/pageRequirements.js';
export type { ReconcileResult } from './server/reconcile.js';
export {
  buildSendBody,
  type OutboundAttachment,
  type QuickReply,
  type SendMessageRequest,
  type SendRecipient,
} from './server/sendBody.js';
export { HUMAN_AGENT_REFUSED_TEXT } from './server/sendPolicy.js';
export type { ThreadControlAction, ThreadControlOptions } from './server/threadControl.js';
export {
  createTokenMonitor,
  type TokenMonitor,
  type TokenMonitorEvents,
  type TokenMonitorOptions,
} from './server/tokenMonitor.js';
export type * from './server/types.js';
export type { AccountPage, UserGraph } from './server/userGraph.js';
