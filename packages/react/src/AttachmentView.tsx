'use client';

import { type ReactNode, useState } from 'react';
import { displayName } from './bidi.js';
import { usePagedeskContext } from './context.js';
import { FileIcon, PinIcon } from './Icons.js';
import { Lightbox, preloadLightbox } from './lazyPanels.js';
import type { AttachmentProps } from './slots.js';
import { safeArchivedUrl, safeAttachmentUrl } from './urls.js';

function formatBytes(size: number, locale: string | undefined): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: units[unit],
    // "19 bytes" (the short form of byte is "byte"), "1.2 kB".
    unitDisplay: unit === 0 ? 'long' : 'short',
    maximumFractionDigits: unit === 0 ? 0 : 1,
  }).format(value);
}

/** Short strings from a template payload Meta sent (text, titles), never markup. */
function templateTexts(payload: unknown): string[] {
  if (typeof payload !== 'object' || payload === null) return [];
  const p = payload as { text?: unknown; elements?: unknown };
  const out: string[] = [];
  if (typeof p.text === 'string') out.push(p.text);
  if (Array.isArray(p.elements))
    for (const element of p.elements.slice(0, 10)) {
      const e = element as { title?: unknown; subtitle?: unknown };
      if (typeof e?.title === 'string')
        out.push(e.subtitle && typeof e.subtitle === 'string' ? `${e.title} — ${e.subtitle}` : e.title);
    }
  return out;
}

/**
 * Renders one attachment of any kind: image and GIF previews that open a lightbox, video and audio
 * players, file cards, stickers, locations, templates, shares, story mentions, fallbacks and (a shape
 * Pagedesk could not read) a generic card with its link. Media show the host's archived copy
 * (`archivedUrl`) when there is one, and "Media expired" once Meta's URL is gone without a copy. Only
 * https URLs (and local http when the provider's `urlPolicy` allows it) are ever rendered.
 *
 * @example
 * <AttachmentView attachment={message.attachments[0]} message={message} />
 */
export function AttachmentView({ attachment }: AttachmentProps): ReactNode {
  const { messages: t, urlPolicy, locale } = usePagedeskContext('AttachmentView');
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState(false);
  // The host's archived copy outlives Meta's URL; both pass the same URL policy, and the copy may be a
  // path on the host's own origin (fileMediaStore's default).
  const archived = safeArchivedUrl(attachment.archivedUrl, urlPolicy);
  const url = archived ?? safeAttachmentUrl(attachment.url, urlPolicy);
  const label = displayName(attachment.name || attachment.title || t.attachments[attachment.kind]);
  const blocked = url === undefined && (attachment.url ?? attachment.archivedUrl) !== undefined;
  // Meta's URL is gone (the archiver found it so, or it no longer loads) and there is no copy.
  const expired = !archived && (attachment.archiveStatus === 'expired' || failed);
  const onError = archived ? undefined : () => setFailed(true);
  const unavailable = (
    <div className="pd-attachment pd-attachment-card pd-attachment-unavailable">
      <FileIcon />
      <span>
        {expired ? t.attachments.expired : blocked ? t.attachments.blockedUrl : t.attachments.unavailable}
      </span>
    </div>
  );
  switch (attachment.kind) {
    case 'image':
    case 'gif': {
      if (!url || expired) return unavailable;
      return (
        <>
          <button
            type="button"
            className={`pd-attachment pd-attachment-image${attachment.kind === 'gif' ? ' pd-attachment-gif' : ''}`}
            aria-label={t.attachments.openImage(label)}
            onPointerEnter={preloadLightbox}
            onFocus={preloadLightbox}
            onClick={() => setOpen(true)}
          >
            <img src={url} alt={label} loading="lazy" decoding="async" onError={onError} />
            {attachment.kind === 'gif' ? (
              <span className="pd-gif-badge" aria-hidden="true">
                {t.attachments.gif}
              </span>
            ) : null}
          </button>
          {open ? <Lightbox src={url} alt={label} onClose={() => setOpen(false)} /> : null}
        </>
      );
    }
    case 'video':
      if (!url || expired) return unavailable;
      return (
        // Customers' videos carry no caption tracks; the label names the attachment.
        // biome-ignore lint/a11y/useMediaCaption: inbound media has no captions to offer
        <video
          className="pd-attachment pd-attachment-video"
          src={url}
          controls
          preload="metadata"
          aria-label={label}
          onError={onError}
        />
      );
    case 'audio':
      if (!url || expired) return unavailable;
      return (
        // biome-ignore lint/a11y/useMediaCaption: inbound voice messages have no captions to offer
        <audio
          className="pd-attachment pd-attachment-audio"
          src={url}
          controls
          preload="metadata"
          aria-label={label}
          onError={onError}
        />
      );
    case 'file':
      return (
        <div className="pd-attachment pd-attachment-card pd-attachment-file">
          <FileIcon />
          <bdi className="pd-file-name">{label}</bdi>
          {attachment.size !== undefined ? (
            <span className="pd-file-size">{formatBytes(attachment.size, locale)}</span>
          ) : null}
          {expired ? (
            <span className="pd-muted">{t.attachments.expired}</span>
          ) : url ? (
            <a
              className="pd-link"
              href={url}
              target="_blank"
              rel="noopener noreferrer nofollow"
              download={attachment.name}
            >
              {t.attachments.download(label)}
            </a>
          ) : blocked ? (
            <span className="pd-muted">{t.attachments.blockedUrl}</span>
          ) : null}
        </div>
      );
    case 'sticker':
      if (!url || expired)
        return <span className="pd-attachment pd-attachment-sticker">{t.attachments.sticker}</span>;
      return (
        <img
          className="pd-attachment pd-attachment-sticker"
          src={url}
          alt={t.attachments.sticker}
          loading="lazy"
          onError={onError}
        />
      );
    case 'location': {
      const c = attachment.coordinates;
      const href = c
        ? `https://www.openstreetmap.org/?mlat=${encodeURIComponent(c.lat)}&mlon=${encodeURIComponent(c.long)}#map=16/${encodeURIComponent(c.lat)}/${encodeURIComponent(c.long)}`
        : url;
      return (
        <div className="pd-attachment pd-attachment-card pd-attachment-location">
          <PinIcon />
          <span>
            {attachment.title || t.attachments.location}
            {c ? <span className="pd-muted"> {`${c.lat.toFixed(5)}, ${c.long.toFixed(5)}`}</span> : null}
          </span>
          {href ? (
            <a className="pd-link" href={href} target="_blank" rel="noopener noreferrer nofollow">
              {t.attachments.openMap}
            </a>
          ) : null}
        </div>
      );
    }
    case 'template': {
      const texts = templateTexts(attachment.payload);
      return (
        <div className="pd-attachment pd-attachment-card pd-attachment-template">
          <span className="pd-muted">{t.attachments.template}</span>
          {texts.map((text, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: derived from an immutable payload
            <span key={index}>{text}</span>
          ))}
        </div>
      );
    }
    case 'share':
    case 'story_mention':
    case 'fallback':
    case 'unknown':
      return (
        <div className={`pd-attachment pd-attachment-card pd-attachment-${attachment.kind}`}>
          <span className="pd-muted">{t.attachments[attachment.kind]}</span>
          {attachment.title ? <span>{attachment.title}</span> : null}
          {url ? (
            <a className="pd-link" href={url} target="_blank" rel="noopener noreferrer nofollow">
              {attachment.shareType ?? url}
            </a>
          ) : blocked ? (
            <span className="pd-muted">{t.attachments.blockedUrl}</span>
          ) : null}
        </div>
      );
    default: {
      const never: never = attachment.kind;
      return never;
    }
  }
}
