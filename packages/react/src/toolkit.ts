// @pagedesk/react/toolkit: the panels that the main entry loads on first render (channel settings,
// customer panel, comment moderation, thread owner, image viewer), exported eagerly for hosts that
// compose their own screens and want them in their first bundle. Same components, same props.
// No 'use client' here: each component module carries its own.
export { ChannelSettings, type ChannelSettingsProps } from './ChannelSettings.js';
export { CommentModeration, type CommentModerationProps } from './CommentModeration.js';
export { CustomerPanel, type CustomerPanelProps } from './CustomerPanel.js';
export { Lightbox, type LightboxProps } from './Lightbox.js';
export { ThreadOwner, type ThreadOwnerProps } from './ThreadOwner.js';
