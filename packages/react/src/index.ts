// @pagedesk/react: the provider, headless hooks, styled components and transports.
// No 'use client' here: components and hooks carry it in their own modules, so a server component that
// imports this entry gets the pure helpers (defaultStrings, mergeStrings, pagedeskKeys, URL rules)
// as real values and the components as client references.
// Styles: import '@pagedesk/react/styles.css' once. The fake transport is '@pagedesk/react/testing'.
// The panels the drop-in inbox does not show at first (channel settings, customer panel, moderation,
// thread owner, image viewer) are exported here as parts whose code loads on first render;
// '@pagedesk/react/toolkit' exports the same components eagerly.
export { AttachmentView } from './AttachmentView.js';
export type { ChannelSettingsProps } from './ChannelSettings.js';
export type { CommentModerationProps } from './CommentModeration.js';
export { Composer, type ComposerProps, type ComposerTemplate } from './Composer.js';
export {
  ComposerAttachFiles,
  ComposerAttachments,
  type ComposerContextValue,
  ComposerInput,
  type ComposerInputProps,
  ComposerQuickReplies,
  ComposerRoot,
  type ComposerRootProps,
  ComposerSend,
  type ComposerSendProps,
  ComposerStatus,
  useComposerContext,
} from './ComposerParts.js';
export { ConversationFilterBar, type ConversationFilterBarProps } from './ConversationFilterBar.js';
export {
  ConversationList,
  type ConversationListProps,
  customerName,
  DefaultConversationItem,
} from './ConversationList.js';
export type { CustomerPanelProps } from './CustomerPanel.js';
export type { PagedeskTheme, Typist } from './context.js';
export {
  type HttpTransportOptions,
  httpTransport,
  parseSseChunk,
  type ReconnectOptions,
  type SseParserState,
} from './httpTransport.js';
export { ChannelKindIcon, CommentIcon, InstagramIcon, MessengerIcon } from './Icons.js';
export { ConversationView, type ConversationViewProps, Inbox, type InboxProps } from './Inbox.js';
export type { LightboxProps } from './Lightbox.js';
export { Linkify, linkifySegments, type TextSegment } from './Linkify.js';
export {
  ChannelSettings,
  CommentModeration,
  CustomerPanel,
  Lightbox,
  ThreadOwner,
} from './lazyPanels.js';
export { isResetEvent, type ResetLiveEvent, type TransportLiveEvent } from './liveEvents.js';
export { META_PAGE_INBOX_APP_ID, MessageBubble } from './MessageBubble.js';
export { MessageList, type MessageListProps } from './MessageList.js';
export {
  type DeepPartial,
  defaultMessages,
  defaultStrings,
  mergeMessages,
  mergeStrings,
  type PagedeskMessages,
  type PagedeskMessagesInput,
  type PagedeskStrings,
  type PagedeskStringsInput,
} from './messages.js';
export { PagedeskProvider, type PagedeskProviderProps, TYPING_TIMEOUT_MS } from './PagedeskProvider.js';
export { type ConversationFilter, pagedeskKeys } from './queryKeys.js';
export { PagedeskRoot } from './Root.js';
export {
  SendSurveyButton,
  type SendSurveyButtonProps,
  SurveyCard,
  type SurveyCardProps,
  SurveyScore,
  type SurveyScoreProps,
} from './SurveyParts.js';
export type {
  AttachmentProps,
  ConversationItemProps,
  EmptyStateProps,
  MessageBubbleProps,
  PagedeskComponents,
} from './slots.js';
export { TemplatePicker, type TemplatePickerProps } from './TemplatePicker.js';
export type { ThreadOwnerProps } from './ThreadOwner.js';
export { type ThreadHolder, threadHolder } from './threadHolder.js';
export { safeAttachmentUrl, safeLinkUrl, type UrlPolicy } from './urls.js';
export {
  useAgents,
  useChannelAction,
  useChannels,
  useConnectablePages,
  useConnectPages,
  useUpdateChannelSettings,
} from './useChannels.js';
export {
  type ComposerBlock,
  type ComposerFile,
  type UseComposerOptions,
  type UseComposerResult,
  useComposer,
} from './useComposer.js';
export { useConversation, useUpdateConversation } from './useConversation.js';
export { type UseConversationsResult, useConversations } from './useConversations.js';
export { useBlockCustomer, useCustomer, useUpdateCustomer } from './useCustomer.js';
export {
  type EarlierConversation,
  type UseEarlierConversationsResult,
  useEarlierConversations,
} from './useEarlierConversations.js';
export { createFormatters, type Formatters, useFormat } from './useFormat.js';
export { useLiveStatus, useTyping } from './useLive.js';
export { type UseMessagesResult, useMessages } from './useMessages.js';
export { useModerateComment } from './useModerateComment.js';
export {
  type UseNotificationsOptions,
  type UseNotificationsResult,
  useNotifications,
} from './useNotifications.js';
export { type SendInput, type UseSendMessageResult, useSendMessage } from './useSendMessage.js';
export { useSendSurvey } from './useSendSurvey.js';
export {
  templateMatches,
  type UseTemplatesOptions,
  useDeleteTemplate,
  useSaveTemplate,
  useSendTemplate,
  useTemplates,
} from './useTemplates.js';
export { useThreadControl } from './useThreadControl.js';
export { nextTickDelay, type UseWindowResult, useWindow } from './useWindow.js';
