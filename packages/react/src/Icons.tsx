'use client';

import type { ReactNode } from 'react';

// Small inline icons (no icon font, no external requests). Decorative: the text label next to each
// carries the meaning, so every icon is aria-hidden.

function Svg({ children, className }: { children: ReactNode; className?: string }) {
  return (
    <svg
      className={`pd-icon${className ? ` ${className}` : ''}`}
      viewBox="0 0 24 24"
      width="1em"
      height="1em"
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      {children}
    </svg>
  );
}

/** Messenger's bubble-with-bolt shape. */
export function MessengerIcon(): ReactNode {
  return (
    <Svg className="pd-icon-messenger">
      <path d="M12 3C7 3 3 6.7 3 11.3c0 2.6 1.3 4.9 3.3 6.4V21l3-1.7c.9.3 1.8.4 2.7.4 5 0 9-3.7 9-8.4S17 3 12 3z" />
      <path d="M7.5 13.5 10.5 10l2 2 4-3.5-3 3.5-2-2z" />
    </Svg>
  );
}

/** Instagram's rounded camera. */
export function InstagramIcon(): ReactNode {
  return (
    <Svg className="pd-icon-instagram">
      <rect x="3" y="3" width="18" height="18" rx="5" />
      <circle cx="12" cy="12" r="4" />
      <circle cx="17.5" cy="6.5" r="0.5" />
    </Svg>
  );
}

/** A speech balloon with lines, for post comments. */
export function CommentIcon(): ReactNode {
  return (
    <Svg className="pd-icon-comment">
      <path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />
      <path d="M8 9h8M8 13h5" />
    </Svg>
  );
}

export function PaperclipIcon(): ReactNode {
  return (
    <Svg>
      <path d="m21.4 11.1-9.2 9.2a6 6 0 0 1-8.5-8.5l9.2-9.2a4 4 0 0 1 5.7 5.7l-9.2 9.2a2 2 0 0 1-2.8-2.8l8.5-8.5" />
    </Svg>
  );
}

export function SendIcon(): ReactNode {
  return (
    <Svg>
      <path d="M22 2 11 13M22 2l-7 20-4-9-9-4z" />
    </Svg>
  );
}

export function FileIcon(): ReactNode {
  return (
    <Svg>
      <path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" />
      <path d="M14 2v6h6" />
    </Svg>
  );
}

export function PinIcon(): ReactNode {
  return (
    <Svg>
      <path d="M21 10c0 7-9 13-9 13S3 17 3 10a9 9 0 0 1 18 0z" />
      <circle cx="12" cy="10" r="3" />
    </Svg>
  );
}

export function ReplyIcon(): ReactNode {
  return (
    <Svg>
      <path d="M9 17 4 12l5-5" />
      <path d="M20 18v-2a4 4 0 0 0-4-4H4" />
    </Svg>
  );
}

export function CloseIcon(): ReactNode {
  return (
    <Svg>
      <path d="M18 6 6 18M6 6l12 12" />
    </Svg>
  );
}

/** The icon of a conversation's channel kind: Messenger, Instagram, or a post comment. */
export function ChannelKindIcon({ platform, source }: { platform: string; source?: string }): ReactNode {
  if (source === 'comment') return <CommentIcon />;
  return platform === 'instagram' ? <InstagramIcon /> : <MessengerIcon />;
}
