'use client';

// The main entry's panels that the drop-in inbox's first render never shows: each name is a part with
// the real component's props whose code loads when it first renders (or on `preload`). The real
// components stay in their own modules, and '@pagedesk/react/toolkit' exports them eagerly.

import type { ReactNode } from 'react';
import type { ChannelSettingsProps } from './ChannelSettings.js';
import type { CommentModerationProps } from './CommentModeration.js';
import type { CustomerPanelProps } from './CustomerPanel.js';
import type { LightboxProps } from './Lightbox.js';
import { lazyPart } from './lazyPart.js';
import { PagedeskRoot } from './Root.js';
import type { ThreadOwnerProps } from './ThreadOwner.js';

// An empty box of the panel's own class (its width, border and background) keeps the layout still
// while the panel's code loads.
const LazyChannelSettings = lazyPart(
  'ChannelSettings',
  () => import('./onDemand.js').then((m) => m.ChannelSettings),
  (props) => <PagedeskRoot className={placeholderClass('pd-channel-settings', props.className)} aria-busy />,
);
const LazyCustomerPanel = lazyPart(
  'CustomerPanel',
  () => import('./onDemand.js').then((m) => m.CustomerPanel),
  (props) => <PagedeskRoot className={placeholderClass('pd-customer-panel', props.className)} aria-busy />,
);
const LazyCommentModeration = lazyPart('CommentModeration', () =>
  import('./onDemand.js').then((m) => m.CommentModeration),
);
const LazyThreadOwner = lazyPart('ThreadOwner', () => import('./onDemand.js').then((m) => m.ThreadOwner));
const LazyLightbox = lazyPart('Lightbox', () => import('./onDemand.js').then((m) => m.Lightbox));

function placeholderClass(own: string, host: string | undefined): string {
  return host ? `${own} ${host}` : own;
}

/** Starts loading the customer panel (on hover or focus of the button that opens it). */
export const preloadCustomerPanel: () => void = LazyCustomerPanel.preload;

/** Starts loading the image viewer (on hover or focus of an image). */
export const preloadLightbox: () => void = LazyLightbox.preload;

/**
 * Connected pages and Instagram accounts with their status, reauthorize, connect, deactivate,
 * disconnect and preferences. Its code loads when it first renders; `@pagedesk/react/toolkit`
 * exports the same component eagerly.
 *
 * @example
 * <ChannelSettings onConnect={() => runFacebookLogin()} onReauthorize={() => runFacebookLogin()} />
 */
export function ChannelSettings(props: ChannelSettingsProps): ReactNode {
  return <LazyChannelSettings {...props} />;
}

/**
 * The customer beside a conversation: Meta's profile, the details agents keep, Block/Unblock and a
 * slot for the host's own content. Its code loads when it first renders; `@pagedesk/react/toolkit`
 * exports the same component eagerly.
 *
 * @example
 * <CustomerPanel customerId={conversation.customerId}>
 *   {(customer) => <CrmCard email={customer.details?.email} />}
 * </CustomerPanel>
 */
export function CustomerPanel(props: CustomerPanelProps): ReactNode {
  return <LazyCustomerPanel {...props} />;
}

/**
 * What was done to a comment on Meta and, with `actions`, the buttons to hide, unhide, delete and like
 * it. Its code loads when it first renders; `@pagedesk/react/toolkit` exports the same component eagerly.
 *
 * @example
 * <CommentModeration message={comment} actions />
 */
export function CommentModeration(props: CommentModerationProps): ReactNode {
  return <LazyCommentModeration {...props} />;
}

/**
 * Who holds a Messenger thread shared with another app, with Take over / Request / Pass back. Renders
 * nothing for a thread no other app shares, and only then loads its code; `@pagedesk/react/toolkit`
 * exports the same component eagerly.
 *
 * @example
 * <ThreadOwner conversation={conversation} passToAppId={BOT_APP_ID} />
 */
export function ThreadOwner(props: ThreadOwnerProps): ReactNode {
  // The part renders nothing until another app has held the thread: no need to fetch its code before.
  if (!props.conversation.threadOwner || props.conversation.source !== 'message') return null;
  return <LazyThreadOwner {...props} />;
}

/**
 * A modal image viewer that traps focus, closes on Escape and gives focus back to what opened it.
 * Its code loads when it first renders; `@pagedesk/react/toolkit` exports the same component eagerly.
 *
 * @example
 * {open ? <Lightbox src={url} alt={name} onClose={() => setOpen(false)} /> : null}
 */
export function Lightbox(props: LightboxProps): ReactNode {
  return <LazyLightbox {...props} />;
}
