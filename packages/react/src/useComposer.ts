'use client';

import type {
  AttachmentCheck,
  Channel,
  ConversationWithCustomer,
  Customer,
  Message,
  PagedeskError,
  Rules,
  UploadedFile,
  WindowEvaluation,
} from '@pagedesk/core';
import { platformRules, rulesFromSettings, splitText, threadHeldBy } from '@pagedesk/core/rules';
import { useCallback, useMemo, useRef, useState } from 'react';
import { channelDown } from './ComposerWindow.js';
import { usePagedeskContext } from './context.js';
import { type BrowserChecks, loadChecks, useChecks } from './loadChecks.js';
import { effectiveReplyMode, type ReplyMode } from './ReplyModeChoice.js';
import { type ReplyLength, replyLength } from './replyLength.js';
import { useChannels } from './useChannels.js';
import { useConversation } from './useConversation.js';
import { useCustomer } from './useCustomer.js';
import { useDraft } from './useDraft.js';
import { type SendInput, useSendMessage } from './useSendMessage.js';
import { useTypingNotice } from './useTypingNotice.js';
import { useWindow } from './useWindow.js';

/** A file the agent added: checked against the channel's attachment rules, then uploaded at once. */
export interface ComposerFile {
  key: string;
  file: File;
  check: AttachmentCheck;
  /** `invalid`: refused by the attachment rules (`check` says why); `error`: the upload failed. */
  status: 'uploading' | 'ready' | 'error' | 'invalid';
  uploaded?: UploadedFile;
}

/**
 * Why no reply can be written now. `channel`: the channel cannot send (its status says why);
 * `customer`: the customer is blocked from the page; `thread`: another app (a bot, Meta's Page
 * Inbox) holds the Messenger thread; `window`: the messaging window is closed.
 */
export type ComposerBlock =
  | { reason: 'channel'; status: Channel['status'] }
  | { reason: 'customer' }
  | { reason: 'thread'; appId: string }
  | { reason: 'window' };

/** Options of {@link useComposer}. */
export interface UseComposerOptions {
  conversationId: string;
  /**
   * The text, controlled. Leave it out and the composer keeps its own, saved per conversation in
   * this browser as a draft.
   */
  text?: string;
  /** Called with every change of the text (controlled or not). */
  onTextChange?: (text: string) => void;
  /** The message being quoted (controlled); sent as the reply's `replyToMessageId`. */
  quoted?: Message | null;
  /** Called when the quote should go: cancelled, or sent. */
  onCancelQuote?: () => void;
  /** Called with the server's messages after a successful send. */
  onSent?: (messages: Message[]) => void;
}

/** What {@link useComposer} returns: the composer's state and what changes it. */
export interface UseComposerResult {
  conversationId: string;
  conversation: ConversationWithCustomer | undefined;
  /** The conversation's customer, as the customer panel last saw it (blocking, details). */
  customer: Customer | undefined;
  channel: Channel | undefined;
  /** The channel's rules (platform profile narrowed by its settings). */
  rules: Rules;
  window: WindowEvaluation | undefined;
  remainingMs: number | null;
  /** Why replying is impossible now, or null (also null while the conversation loads). */
  block: ComposerBlock | null;
  /** No reply can be written: blocked, or not known yet. */
  disabled: boolean;
  text: string;
  setText: (next: string | ((current: string) => string)) => void;
  /** The text's length in its platform's unit, against the limit. */
  length: ReplyLength;
  /** The text is over the limit (send it split, or shorten it). */
  tooLong: boolean;
  split: boolean;
  setSplit: (split: boolean) => void;
  /** How many messages the text goes out as. */
  splitCount: number;
  files: readonly ComposerFile[];
  /** Checks and uploads files (picker, drop or paste); refused ones stay listed with the reason. */
  addFiles: (files: FileList | readonly File[] | null | undefined) => void;
  removeFile: (key: string) => void;
  quickReplies: readonly string[];
  setQuickReplies: (titles: string[]) => void;
  /** A comment conversation: replies go privately or publicly. */
  isComment: boolean;
  /** The comment reply's mode, or null when the agent must choose. */
  replyMode: ReplyMode | null;
  setReplyMode: (mode: ReplyMode) => void;
  quoted: Message | null;
  cancelQuote: () => void;
  /** Whether `submit` sends now: something to send, nothing blocking it, and the kit's checks loaded. */
  canSend: boolean;
  isSending: boolean;
  /** Why the last submit was refused before sending (rule problems), in words. */
  problems: readonly string[];
  /** The last send error (a closed window is left to the status line). */
  sendError: PagedeskError | null;
  /** Sends the reply if it can be sent, and empties the composer at once. */
  submit: () => void;
  /**
   * Sends several replies in order, each after the previous one is answered, stopping at the first
   * that fails (a template's parts). Each shows at once as a pending bubble.
   */
  sendInOrder: (replies: readonly SendInput[]) => Promise<Message[]>;
  /** Tells the customer the agent is typing (throttled); the input part calls it. */
  typed: () => void;
}

function blockOf(
  conversation: ConversationWithCustomer | undefined,
  channel: Channel | undefined,
  window: WindowEvaluation | undefined,
  blockedCustomer: boolean,
): ComposerBlock | null {
  if (channel && channelDown(channel)) return { reason: 'channel', status: channel.status };
  if (blockedCustomer) return { reason: 'customer' };
  const holder = conversation && channel ? threadHeldBy(conversation, channel) : undefined;
  if (holder !== undefined) return { reason: 'thread', appId: holder };
  if (window && !window.canReply) return { reason: 'window' };
  return null;
}

function fileKey(file: File): string {
  return `${file.name}-${file.size}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The composer's state without its markup: text (controlled or a per-conversation draft), files,
 * quick replies, split, comment reply mode and sending, with the window, the channel's rules and
 * why replying is blocked. `<Composer.Root>` calls it and shares it with the parts; a host builds
 * its own composer on it.
 *
 * @example
 * const composer = useComposer({ conversationId });
 * <textarea value={composer.text} onChange={(e) => composer.setText(e.target.value)} disabled={composer.disabled} />
 * <button disabled={!composer.canSend} onClick={composer.submit}>Send</button>
 */
export function useComposer(options: UseComposerOptions): UseComposerResult {
  const { conversationId, onTextChange, onCancelQuote, onSent } = options;
  const { transport } = usePagedeskContext('useComposer');
  const { data: conversation } = useConversation(conversationId);
  const { data: channels } = useChannels();
  // The customer's own query is what blocking updates (live `customer:updated` too).
  const { data: fetchedCustomer } = useCustomer(conversation?.customerId);
  const customer = fetchedCustomer ?? conversation?.customer;
  const channel = channels?.find((c) => c.id === conversation?.channelId);
  const rules: Rules = useMemo(
    () => (channel ? rulesFromSettings(channel) : platformRules(conversation?.platform ?? 'messenger')),
    [channel, conversation?.platform],
  );
  const { window, remainingMs } = useWindow(conversation, channel);
  const { send, error, isSending } = useSendMessage(conversationId);
  const typingNotice = useTypingNotice(conversationId);

  const [draft, setDraft] = useDraft(conversationId);
  const controlled = options.text !== undefined;
  const text = controlled ? (options.text as string) : draft;
  const textRef = useRef(text);
  textRef.current = text;
  const setText = useCallback(
    (next: string | ((current: string) => string)) => {
      const value = typeof next === 'function' ? next(textRef.current) : next;
      textRef.current = value;
      if (!controlled) setDraft(value);
      onTextChange?.(value);
    },
    [controlled, setDraft, onTextChange],
  );

  const [split, setSplit] = useState(false);
  const [files, setFiles] = useState<ComposerFile[]>([]);
  const [quickReplies, setQuickReplies] = useState<string[]>([]);
  const [chosenMode, setReplyMode] = useState<ReplyMode | null>(null);
  const [problems, setProblems] = useState<string[]>([]);
  // Files, quick replies, split and reply mode belong to one conversation: a host that reuses the
  // composer for another must never send the last customer's files or post publicly by mistake.
  const [stateFor, setStateFor] = useState(conversationId);
  if (stateFor !== conversationId) {
    setStateFor(conversationId);
    setFiles([]);
    setQuickReplies([]);
    setSplit(false);
    setReplyMode(null);
    setProblems([]);
  }

  const isComment = conversation?.source === 'comment';
  const replyMode = isComment ? effectiveReplyMode(chosenMode, Boolean(window?.privateReply)) : null;
  const block = blockOf(conversation, channel, window, Boolean(customer?.blocked));
  const disabled = block !== null || !window?.canReply;
  // A closed window is said once, by the status line (and the failed bubble): never again as an error.
  const sendError = error && error.code !== 'window_closed' ? error : null;
  const length = replyLength(text, rules, conversation?.platform);
  const tooLong = text.trim() !== '' && length.tooLong;
  const splitCount = tooLong && split ? splitText(text, rules).filter((p) => p.trim() !== '').length : 1;
  const uploading = files.some((f) => f.status === 'uploading');
  const ready = files.flatMap((f) => (f.status === 'ready' && f.uploaded ? [f.uploaded] : []));
  const refusedFiles = files.some((f) => f.status === 'invalid' || f.status === 'error');
  // The composer's checks (attachment rules, the reply's plan) are the kit's on-demand checks, usually
  // loaded with the conversation's first answer. Sending waits for them (the button stays disabled), so
  // a send is planned and the box emptied in one step, as before they were lazy.
  const checks = useChecks();
  const canSend =
    checks !== undefined &&
    !disabled &&
    (!isComment || replyMode !== null) &&
    !uploading &&
    !refusedFiles &&
    (text.trim() !== '' || ready.length > 0) &&
    (!tooLong || split);
  const conversationRef = useRef(conversationId);
  conversationRef.current = conversationId;

  const addFiles = (list: FileList | readonly File[] | null | undefined) => {
    if (!list) return;
    const picked = Array.from(list);
    if (checks) {
      attach(picked, checks);
      return;
    }
    // Files dropped before the checks arrive wait for them, for this conversation only. Without the
    // checks a file is not uploaded: it shows as failed, to remove and add again.
    const forConversation = conversationId;
    loadChecks().then(
      (loaded) => {
        if (conversationRef.current === forConversation) attach(picked, loaded);
      },
      () => {
        if (conversationRef.current !== forConversation) return;
        setFiles((current) => [
          ...current,
          ...picked.map(
            (file): ComposerFile => ({
              key: fileKey(file),
              file,
              check: { ok: false, code: 'unknown_type', message: '' },
              status: 'error',
            }),
          ),
        ]);
      },
    );
  };

  const attach = (picked: readonly File[], loaded: BrowserChecks) => {
    const added: ComposerFile[] = picked.map((file) => {
      const check = loaded.checkAttachment(
        { name: file.name, type: file.type, size: file.size },
        { direction: 'outbound', rules },
      );
      return { key: fileKey(file), file, check, status: check.ok ? 'uploading' : 'invalid' };
    });
    setFiles((current) => [...current, ...added]);
    const settle = (key: string, change: Partial<ComposerFile>) =>
      setFiles((current) => current.map((f) => (f.key === key ? { ...f, ...change } : f)));
    for (const entry of added) {
      if (entry.status !== 'uploading') continue;
      transport.uploadFile(entry.file, entry.file.name).then(
        (uploaded) => settle(entry.key, { status: 'ready', uploaded }),
        () => settle(entry.key, { status: 'error' }),
      );
    }
  };

  const cancelQuote = () => onCancelQuote?.();
  const quoted = options.quoted ?? null;

  const submit = () => {
    if (!canSend) return;
    const plan = checks.planReply(
      {
        ...(text.trim() ? { text } : {}),
        attachments: ready.map((f) => ({ name: f.name, type: f.type, size: f.size, url: f.url })),
      },
      { rules, split },
    );
    if (!plan.ok) {
      setProblems(plan.problems.map((p) => p.message));
      return;
    }
    setProblems([]);
    const replies = quickReplies.map((title) => ({ title, payload: title }));
    // The composer empties at once: the optimistic bubble (pending, then sent or failed with retry)
    // carries the reply from here.
    send({
      ...(text.trim() ? { text } : {}),
      ...(ready.length ? { attachments: ready } : {}),
      ...(quoted ? { replyToMessageId: quoted.id } : {}),
      ...(replies.length && text.trim() ? { quickReplies: replies } : {}),
      ...(tooLong && split ? { split: true } : {}),
      ...(replyMode === 'public' ? { publicReply: true } : {}),
    }).then(
      (messages) => onSent?.(messages),
      () => {},
    );
    setText('');
    setFiles([]);
    setQuickReplies([]);
    setSplit(false);
    cancelQuote();
    typingNotice.sent();
  };

  const sendInOrder = async (list: readonly SendInput[]): Promise<Message[]> => {
    const sent: Message[] = [];
    typingNotice.sent();
    for (const reply of list) sent.push(...(await send(reply)));
    onSent?.(sent);
    return sent;
  };

  return {
    conversationId,
    conversation,
    customer,
    channel,
    rules,
    window,
    remainingMs,
    block,
    disabled,
    text,
    setText,
    length,
    tooLong,
    split,
    setSplit,
    splitCount,
    files,
    addFiles,
    removeFile: (key) => setFiles((current) => current.filter((f) => f.key !== key)),
    quickReplies,
    setQuickReplies,
    isComment,
    replyMode,
    setReplyMode,
    quoted,
    cancelQuote,
    canSend,
    isSending,
    problems,
    sendError,
    submit,
    sendInOrder,
    typed: typingNotice.typed,
  };
}
