'use client';

import {
  type Channel,
  type ChannelSettings as ChannelPreferences,
  channelSettingsSchema,
} from '@pagedesk/core';
import { type FormEvent, type ReactNode, useEffect, useId, useState } from 'react';
import { ConfirmDialog } from './ConfirmDialog.js';
import { usePagedeskContext } from './context.js';
import { ChannelKindIcon } from './Icons.js';
import { DefaultEmptyState, PagedeskRoot, useSlot } from './Root.js';
import {
  useAgents,
  useChannelAction,
  useChannels,
  useConnectablePages,
  useConnectPages,
  useUpdateChannelSettings,
} from './useChannels.js';
import { useFormat } from './useFormat.js';

/** Props of {@link ChannelSettings}. */
export interface ChannelSettingsProps {
  /**
   * Runs the host's Facebook Login and resolves with the user access token (null when cancelled).
   * Without it the "Connect a page" button is hidden.
   */
  onConnect?: () => Promise<string | null>;
  /** Runs Facebook Login again for a channel whose connection expired; resolves with the new user token. */
  onReauthorize?: (channel: Channel) => Promise<string | null>;
  className?: string;
}

const NEEDS_REAUTH: ReadonlySet<Channel['status']> = new Set([
  'expiring',
  'expired',
  'revoked',
  'missing_permissions',
]);
const MB = 1024 * 1024;
const KINDS = ['image', 'video', 'audio', 'file'] as const;

type NumberField = 'minutes' | 'textMaxLength' | (typeof KINDS)[number];

/** The numbers of the settings as the agent typed them: validated on save, never clamped. */
function numbersOf(settings: ChannelPreferences): Record<NumberField, string> {
  const mb = (bytes: number | undefined) =>
    bytes === undefined ? '' : String(Math.round((bytes / MB) * 10) / 10);
  return {
    minutes: settings.threading.mode === 'intermission' ? String(settings.threading.minutes) : '60',
    textMaxLength: settings.textMaxLength === null ? '' : String(settings.textMaxLength),
    image: mb(settings.attachmentMaxBytes.image),
    video: mb(settings.attachmentMaxBytes.video),
    audio: mb(settings.attachmentMaxBytes.audio),
    file: mb(settings.attachmentMaxBytes.file),
  };
}

function Preferences({ channel }: { channel: Channel }): ReactNode {
  const { messages: t } = usePagedeskContext('ChannelSettings');
  const format = useFormat();
  const { data: agents } = useAgents();
  const update = useUpdateChannelSettings();
  const [draft, setDraft] = useState<ChannelPreferences>(channel.settings);
  const [numbers, setNumbers] = useState(() => numbersOf(channel.settings));
  const [errors, setErrors] = useState<Partial<Record<NumberField, string>>>({});
  const [outcome, setOutcome] = useState<'saved' | 'changed' | null>(null);
  const id = useId();
  useEffect(() => {
    setDraft(channel.settings);
    setNumbers(numbersOf(channel.settings));
  }, [channel.settings]);
  const disabled = channel.status === 'disconnected';
  const t2 = t.channels;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    const number = (raw: string) => (raw.trim() === '' ? Number.NaN : Number(raw));
    const attachmentMaxBytes: ChannelPreferences['attachmentMaxBytes'] = {};
    for (const kind of KINDS)
      if (numbers[kind].trim() !== '') attachmentMaxBytes[kind] = Math.round(number(numbers[kind]) * MB);
    const candidate: ChannelPreferences = {
      ...draft,
      threading:
        draft.threading.mode === 'intermission'
          ? { mode: 'intermission', minutes: number(numbers.minutes) }
          : draft.threading,
      textMaxLength: numbers.textMaxLength.trim() === '' ? null : number(numbers.textMaxLength),
      attachmentMaxBytes,
    };
    // Core's schema holds the bounds: a wrong value is named, never silently clamped.
    const parsed = channelSettingsSchema.safeParse(candidate);
    const found: Partial<Record<NumberField, string>> = {};
    for (const issue of parsed.success ? [] : parsed.error.issues) {
      const field = (issue.path.at(-1) === 'minutes' ? 'minutes' : issue.path.at(-1)) as NumberField;
      const bound = issue as { code: string; minimum?: unknown; maximum?: unknown };
      found[field] = KINDS.includes(field as (typeof KINDS)[number])
        ? t2.positiveSize
        : bound.code === 'too_small' && typeof bound.minimum === 'number'
          ? t2.atLeast(format.number(bound.minimum))
          : bound.code === 'too_big' && typeof bound.maximum === 'number'
            ? t2.atMost(format.number(bound.maximum))
            : t2.wholeNumber;
    }
    setErrors(found);
    if (!parsed.success) return;
    update.mutate(
      { channelId: channel.id, settings: candidate },
      {
        // "Saved" only for what was asked: a server that stored something else says so.
        onSuccess: (saved) =>
          setOutcome(JSON.stringify(saved.settings) === JSON.stringify(parsed.data) ? 'saved' : 'changed'),
      },
    );
  };
  const numberInput = (field: NumberField, label: ReactNode, extra?: ReactNode) => (
    <label className="pd-field">
      {label}
      <input
        className="pd-input pd-input-small"
        type="number"
        step="any"
        placeholder={field === 'minutes' ? undefined : t2.textLimitDefault}
        value={numbers[field]}
        aria-invalid={errors[field] ? true : undefined}
        aria-describedby={errors[field] ? `${id}-${field}` : undefined}
        onChange={(e) => setNumbers({ ...numbers, [field]: e.target.value })}
      />
      {extra}
      {errors[field] ? (
        <span className="pd-problem" id={`${id}-${field}`}>
          {errors[field]}
        </span>
      ) : null}
    </label>
  );
  return (
    <form className="pd-preferences" onSubmit={onSubmit} aria-label={`${t2.preferences}: ${channel.name}`}>
      <fieldset disabled={disabled}>
        <legend>{t2.threading}</legend>
        <label className="pd-check">
          <input
            type="radio"
            name={`${id}-threading`}
            checked={draft.threading.mode === 'until-resolved'}
            onChange={() => setDraft({ ...draft, threading: { mode: 'until-resolved' } })}
          />
          {t2.untilResolved}
        </label>
        <label className="pd-check">
          <input
            type="radio"
            name={`${id}-threading`}
            checked={draft.threading.mode === 'intermission'}
            onChange={() => setDraft({ ...draft, threading: { mode: 'intermission', minutes: 60 } })}
          />
          {t2.intermission}
        </label>
        {draft.threading.mode === 'intermission' ? numberInput('minutes', null, ` ${t2.minutes}`) : null}
      </fieldset>
      <fieldset disabled={disabled}>
        <legend className="pd-sr-only">{t2.preferences}</legend>
        <label className="pd-check">
          <input
            type="checkbox"
            checked={draft.humanAgent}
            onChange={(e) => setDraft({ ...draft, humanAgent: e.target.checked })}
          />
          {t2.humanAgent}
        </label>
        {numberInput('textMaxLength', <span>{t2.textLimit}</span>)}
        {KINDS.map((kind) => (
          <span key={kind}>{numberInput(kind, <span>{t2.attachmentLimit(t.attachments[kind])}</span>)}</span>
        ))}
      </fieldset>
      {agents?.length ? (
        <fieldset disabled={disabled}>
          <legend>{t2.agents}</legend>
          <p className="pd-muted">{t2.allAgents}</p>
          {agents.map((agent) => (
            <label key={agent.id} className="pd-check">
              <input
                type="checkbox"
                checked={draft.agentIds.includes(agent.id)}
                onChange={(e) =>
                  setDraft({
                    ...draft,
                    agentIds: e.target.checked
                      ? [...draft.agentIds, agent.id]
                      : draft.agentIds.filter((x) => x !== agent.id),
                  })
                }
              />
              {agent.name}
            </label>
          ))}
        </fieldset>
      ) : null}
      <div className="pd-actions">
        <button type="submit" className="pd-button pd-button-primary" disabled={disabled || update.isPending}>
          {t2.save}
        </button>
        <span role="status" className="pd-muted">
          {outcome === 'saved'
            ? t2.saved
            : outcome === 'changed'
              ? t2.savedChanged
              : update.isError
                ? `${t2.actionFailed} ${update.error.message}`
                : ''}
        </span>
      </div>
    </form>
  );
}

function ChannelCard({
  channel,
  onReauthorize,
}: {
  channel: Channel;
  onReauthorize?: ChannelSettingsProps['onReauthorize'];
}) {
  const { messages: t } = usePagedeskContext('ChannelSettings');
  const format = useFormat();
  const action = useChannelAction();
  const [confirming, setConfirming] = useState(false);
  const headingId = useId();
  const run = (a: Parameters<typeof action.mutate>[0]['action']) =>
    action.mutate({ channelId: channel.id, action: a });
  const t2 = t.channels;
  const expiresAt = [channel.tokenExpiresAt, channel.dataAccessExpiresAt].filter(
    (x): x is number => x !== null,
  );
  return (
    <li className="pd-channel" data-status={channel.status} aria-labelledby={headingId}>
      <div className="pd-channel-head">
        <span className="pd-avatar" aria-hidden="true">
          {channel.name.slice(0, 1).toUpperCase()}
          <span className="pd-avatar-channel">
            <ChannelKindIcon platform={channel.platform} />
          </span>
        </span>
        <div className="pd-channel-title">
          <h3 id={headingId}>{channel.name}</h3>
          <span className="pd-muted">
            {channel.platform === 'instagram' ? t.list.instagram : t.list.messenger}
          </span>
        </div>
        <span className={`pd-badge pd-status pd-status-${channel.status}`}>{t2.status[channel.status]}</span>
      </div>
      {channel.statusReason ? <p className="pd-channel-reason">{channel.statusReason}</p> : null}
      {channel.missingPermissions.length ? (
        <p className="pd-channel-reason">{t2.missingPermissions(channel.missingPermissions.join(', '))}</p>
      ) : null}
      {channel.status === 'expiring' && expiresAt.length ? (
        <p className="pd-channel-reason">{t2.expiresOn(format.dateTime(Math.min(...expiresAt)))}</p>
      ) : null}
      {channel.status === 'disconnected' ? null : (
        <div className="pd-actions">
          {NEEDS_REAUTH.has(channel.status) && onReauthorize ? (
            <button
              type="button"
              className="pd-button pd-button-primary"
              onClick={async () => {
                const token = await onReauthorize(channel);
                if (token) run({ action: 'reauthorize', userAccessToken: token });
              }}
            >
              {t2.reauthorize}
            </button>
          ) : null}
          {channel.status === 'unsubscribed' ? (
            <button type="button" className="pd-button" onClick={() => run({ action: 'resubscribe' })}>
              {t2.resubscribe}
            </button>
          ) : null}
          {channel.status === 'deactivated' ? (
            <button type="button" className="pd-button" onClick={() => run({ action: 'activate' })}>
              {t2.activate}
            </button>
          ) : (
            <button type="button" className="pd-button" onClick={() => run({ action: 'deactivate' })}>
              {t2.deactivate}
            </button>
          )}
          <button type="button" className="pd-button pd-button-danger" onClick={() => setConfirming(true)}>
            {t2.disconnect}
          </button>
        </div>
      )}
      {confirming ? (
        <ConfirmDialog
          label={t2.confirm}
          question={t2.confirmDisconnect(channel.name)}
          onConfirm={() => {
            setConfirming(false);
            run({ action: 'disconnect' });
          }}
          onCancel={() => setConfirming(false)}
        />
      ) : null}
      {action.isError ? (
        <p className="pd-problem" role="alert">
          {t2.actionFailed} {action.error.message}
        </p>
      ) : null}
      <details className="pd-details">
        <summary>{t2.preferences}</summary>
        <Preferences channel={channel} />
      </details>
    </li>
  );
}

function PagePicker({ token, onDone }: { token: string; onDone: () => void }) {
  const { messages: t } = usePagedeskContext('ChannelSettings');
  const pages = useConnectablePages(token);
  const connect = useConnectPages();
  const [chosen, setChosen] = useState<string[]>([]);
  const titleId = useId();
  const t2 = t.channels;
  return (
    <section className="pd-page-picker" aria-labelledby={titleId}>
      <h3 id={titleId}>{t2.connectTitle}</h3>
      {pages.isPending ? (
        <p role="status">{t2.loading}</p>
      ) : pages.isError ? (
        <p role="alert">{pages.error.message}</p>
      ) : pages.data.length === 0 ? (
        <p>{t2.noConnectablePages}</p>
      ) : (
        <ul className="pd-page-list">
          {pages.data.map((page) => (
            <li key={page.id}>
              <label className="pd-check">
                <input
                  type="checkbox"
                  disabled={page.connected || Boolean(page.unavailableReason)}
                  checked={chosen.includes(page.id)}
                  onChange={(e) =>
                    setChosen((c) => (e.target.checked ? [...c, page.id] : c.filter((x) => x !== page.id)))
                  }
                />
                <ChannelKindIcon platform={page.platform} />
                {page.name}
                {page.connected ? <span className="pd-muted"> · {t2.alreadyConnected}</span> : null}
                {page.unavailableReason ? (
                  <span className="pd-muted"> · {page.unavailableReason}</span>
                ) : null}
              </label>
            </li>
          ))}
        </ul>
      )}
      {connect.isError ? (
        <p className="pd-problem" role="alert">
          {t2.actionFailed} {connect.error.message}
        </p>
      ) : null}
      <div className="pd-actions">
        <button
          type="button"
          className="pd-button pd-button-primary"
          disabled={chosen.length === 0 || connect.isPending}
          onClick={() => connect.mutate({ userAccessToken: token, pageIds: chosen }, { onSuccess: onDone })}
        >
          {connect.isPending ? t2.connecting : t2.connectSelected}
        </button>
        <button type="button" className="pd-button" onClick={onDone}>
          {t2.cancel}
        </button>
      </div>
    </section>
  );
}

/**
 * Connected pages and Instagram accounts with status badges ("Connection expired", "Permissions
 * missing", "Deactivated"...), reauthorize, connect through the host's Facebook Login and a page picker,
 * deactivate and re-activate, disconnect with confirmation (history stays readable), and preferences.
 *
 * @example
 * <ChannelSettings onConnect={() => runFacebookLogin()} onReauthorize={() => runFacebookLogin()} />
 */
export function ChannelSettings(props: ChannelSettingsProps): ReactNode {
  const { messages: t } = usePagedeskContext('ChannelSettings');
  const channels = useChannels();
  const Empty = useSlot('EmptyState', DefaultEmptyState);
  const [token, setToken] = useState<string | null>(null);
  const titleId = useId();
  return (
    <PagedeskRoot className={`pd-channel-settings${props.className ? ` ${props.className}` : ''}`}>
      <section aria-labelledby={titleId}>
        <div className="pd-channel-settings-head">
          <h2 id={titleId}>{t.channels.label}</h2>
          {props.onConnect ? (
            <button
              type="button"
              className="pd-button pd-button-primary"
              onClick={async () => setToken((await props.onConnect?.()) ?? null)}
            >
              {t.channels.connect}
            </button>
          ) : null}
        </div>
        {token ? <PagePicker token={token} onDone={() => setToken(null)} /> : null}
        {channels.isPending ? (
          <p className="pd-status" role="status">
            {t.channels.loading}
          </p>
        ) : channels.isError ? (
          <div className="pd-error" role="alert">
            {t.channels.error}{' '}
            <button type="button" className="pd-button" onClick={() => void channels.refetch()}>
              {t.channels.retry}
            </button>
          </div>
        ) : channels.data.length === 0 ? (
          <Empty kind="channels">{t.channels.empty}</Empty>
        ) : (
          <ul className="pd-channels">
            {channels.data.map((channel) => (
              <ChannelCard
                key={channel.id}
                channel={channel}
                {...(props.onReauthorize ? { onReauthorize: props.onReauthorize } : {})}
              />
            ))}
          </ul>
        )}
      </section>
    </PagedeskRoot>
  );
}
