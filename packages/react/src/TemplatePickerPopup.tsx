'use client';

import {
  type ReplyTemplate,
  renderTemplate,
  type TemplatePart,
  templateContext,
  templateDrafts,
  toPagedeskError,
} from '@pagedesk/core';
import { type KeyboardEvent, type ReactNode, useId, useMemo, useState } from 'react';
import { displayName } from './bidi.js';
import { useComposerContext } from './ComposerParts.js';
import { usePagedeskContext } from './context.js';
import { safeAttachmentUrl } from './urls.js';
import { useAgents } from './useChannels.js';
import { useTemplates } from './useTemplates.js';

/** A template as the picker offers it: filled for this conversation, or why it cannot be. */
interface Choice {
  template: ReplyTemplate;
  parts: TemplatePart[] | null;
  problem: string | null;
}

function TemplatePreview(props: { choice: Choice; id: string }): ReactNode {
  const { messages: t, urlPolicy } = usePagedeskContext('Composer.TemplatePicker');
  const { choice } = props;
  return (
    <div className="pd-template-preview" id={props.id} aria-live="polite">
      <p className="pd-template-preview-name">{choice.template.name}</p>
      {choice.problem ? (
        <p className="pd-problem">{t.templatePicker.cannotFill(choice.problem)}</p>
      ) : (
        <ol className="pd-template-parts">
          {(choice.parts ?? []).map((part, index) => (
            // The parts are a fixed list for this render: their place is their identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            <li key={index} className="pd-template-part" aria-label={t.templatePicker.part(index + 1)}>
              {part.text ? (
                <p className="pd-template-text" dir="auto">
                  {part.text}
                </p>
              ) : null}
              {part.attachments?.map((file) => {
                const src = file.type.startsWith('image/') ? safeAttachmentUrl(file.url, urlPolicy) : null;
                return src ? (
                  <img key={file.url} className="pd-template-image" src={src} alt={file.name} />
                ) : (
                  <bdi key={file.url} className="pd-file-chip">
                    {displayName(file.name)}
                  </bdi>
                );
              })}
              {part.quickReplies?.length ? (
                <ul className="pd-quick-replies" aria-label={t.templatePicker.quickReplies}>
                  {part.quickReplies.map((reply) => (
                    <li key={reply.payload} className="pd-chip">
                      {reply.title}
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** The picker's dialog: search, the templates for this channel, a preview, and sending. */
export function TemplatePickerPopup(props: { onClose: (focusInput: boolean) => void }): ReactNode {
  const { composer } = useComposerContext('Composer.TemplatePicker');
  const { messages: t, agentId } = usePagedeskContext('Composer.TemplatePicker');
  const [search, setSearch] = useState('');
  const [active, setActive] = useState(0);
  const listId = useId();
  const previewId = useId();
  const {
    data: templates,
    isPending,
    isError,
  } = useTemplates({
    ...(composer.conversation ? { channelId: composer.conversation.channelId } : {}),
    search,
  });
  const { data: agents } = useAgents();
  const agentName = agents?.find((a) => a.id === agentId)?.name;
  const context = useMemo(
    () => templateContext({ customer: composer.customer, channel: composer.channel, agentName }),
    [composer.customer, composer.channel, agentName],
  );
  const choices = useMemo<Choice[]>(
    () =>
      (templates ?? []).map((template) => {
        try {
          return { template, parts: renderTemplate(template, context), problem: null };
        } catch (thrown) {
          return { template, parts: null, problem: toPagedeskError(thrown).message };
        }
      }),
    [templates, context],
  );
  const current = choices[Math.min(active, choices.length - 1)];
  const optionId = (index: number) => `${listId}-${index}`;

  const choose = (choice: Choice | undefined) => {
    if (!choice?.parts) return;
    props.onClose(true);
    // Each part is a reply of its own, sent after the previous one is answered; a failure shows on
    // its bubble (with retry) and in the composer, and stops the parts after it.
    composer.sendInOrder(templateDrafts(choice.parts)).catch(() => {});
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const last = choices.length - 1;
    const moves: Record<string, number> = {
      ArrowDown: active >= last ? 0 : active + 1,
      ArrowUp: active <= 0 ? last : active - 1,
      Home: 0,
      End: last,
    };
    if (event.key in moves && choices.length > 0) {
      event.preventDefault();
      setActive(moves[event.key] as number);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(current);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      props.onClose(true);
    }
  };
  const status = isPending
    ? t.templatePicker.loading
    : isError
      ? t.templatePicker.error
      : choices.length === 0
        ? search.trim()
          ? t.templatePicker.noMatch
          : t.templatePicker.empty
        : null;

  return (
    <div
      className="pd-template-picker-popup"
      role="dialog"
      aria-label={t.templatePicker.label}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) props.onClose(false);
      }}
    >
      <input
        className="pd-input"
        role="combobox"
        aria-label={t.templatePicker.search}
        aria-expanded={choices.length > 0}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={current ? optionId(choices.indexOf(current)) : undefined}
        aria-describedby={current ? previewId : undefined}
        placeholder={t.templatePicker.search}
        // biome-ignore lint/a11y/noAutofocus: the picker opens on the agent's `/` or click, to be typed into
        autoFocus
        value={search}
        onChange={(e) => {
          setSearch(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      {status ? (
        <p className="pd-muted" role="status">
          {status}
        </p>
      ) : null}
      <div className="pd-template-picker-body">
        <div className="pd-template-list" id={listId} role="listbox" aria-label={t.templatePicker.label}>
          {choices.map((choice, index) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the combobox above is the keyboard path
            <div
              key={choice.template.id}
              id={optionId(index)}
              role="option"
              tabIndex={-1}
              className="pd-template-option"
              aria-selected={choice === current}
              aria-disabled={choice.parts ? undefined : true}
              onMouseMove={() => setActive(index)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(choice)}
            >
              <span className="pd-template-option-name">{choice.template.name}</span>
              <span className="pd-muted">{t.templatePicker.parts(choice.template.parts.length)}</span>
            </div>
          ))}
        </div>
        {current ? <TemplatePreview choice={current} id={previewId} /> : null}
      </div>
      <p className="pd-hint">{t.templatePicker.hint}</p>
    </div>
  );
}
