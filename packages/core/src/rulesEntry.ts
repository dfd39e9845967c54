// @pagedesk/core/rules: the inbox's rules without its schemas, so a bundle that needs only them loads no
// zod. The React kit's first load imports these (the list's order and filters, the messaging window,
// text limits, errors); the zod checks of server answers load on demand. Every name here is the same
// value the main entry exports.
export {
  type ConversationFilter,
  compareConversations,
  matchesConversationFields,
  matchesConversationQuery,
  matchesConversationSearch,
  normaliseSearch,
  type SearchedCustomer,
} from './conversationQuery.js';
export { DELIVERY_RANK, isDeliveryAdvance } from './deliveryRank.js';
export {
  ChannelUnavailableError,
  GraphError,
  type GraphErrorDetails,
  HumanAgentUnavailableError,
  isPagedeskError,
  isPagedeskErrorCode,
  NotFoundError,
  PagedeskError,
  type PagedeskErrorOptions,
  PermissionError,
  RateLimitError,
  RecipientUnavailableError,
  RuleViolationError,
  ThreadControlError,
  TOKEN_ERROR_REASONS,
  TokenError,
  type TokenErrorReason,
  toPagedeskError,
  ValidationError,
  WindowClosedError,
} from './errors.js';
export { customerDisplayName, PAGE_INBOX_APP_ID, SENDABLE_STATUSES, threadHeldBy } from './modelRules.js';
export { CHECKING_CODE, isChecking, isUnknownOutcome, UNKNOWN_OUTCOME_CODES } from './outcome.js';
export {
  type DirectionRules,
  instagramRules,
  type MediaKind,
  type MediaRule,
  mediaKinds,
  metaRules,
  platformRules,
  type Rules,
  type RulesOverrides,
  rulesFromSettings,
  withPlatformLimits,
} from './rules.js';
export {
  SURVEY_SCALES,
  SURVEY_STANDARD_WINDOW_MS,
  SURVEY_TAG_WINDOW_MS,
  type SurveyType,
  type SurveyWindow,
  surveyWindow,
} from './surveyRules.js';
export {
  checkText,
  measureText,
  splitText,
  type TextCheck,
  type TextMeasure,
  utf8Length,
} from './text.js';
export {
  formatRemaining,
  HUMAN_AGENT_WINDOW_MS,
  type SenderKind,
  STANDARD_WINDOW_MS,
  type WindowEvaluation,
  type WindowInput,
  type WindowReason,
  windowForConversation,
} from './window.js';
