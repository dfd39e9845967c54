import type { Platform } from '../model.js';

// What Meta must grant and deliver for a page to work as a channel: the webhook fields the app
// subscribes to, and the permissions `check` looks for in debug_token.

/**
 * Webhook fields Pagedesk subscribes a Messenger page to
 * (https://developers.facebook.com/docs/messenger-platform/webhooks, "List of Webhook Events").
 */
export const MESSENGER_FIELDS = [
  'messages',
  'message_echoes',
  'message_deliveries',
  'message_reads',
  'message_reactions',
  'message_edits',
  'messaging_postbacks',
  'messaging_referrals',
  'messaging_optins',
  'messaging_handovers',
  'messaging_policy_enforcement',
  // Satisfaction-survey answers (Customer Feedback Template), Messenger only.
  'messaging_feedback',
  'standby',
  'feed',
] as const;

/** Webhook fields for an Instagram account (its echoes arrive under `messages`; reads are `messaging_seen`). */
export const INSTAGRAM_FIELDS = [
  'messages',
  'messaging_postbacks',
  'messaging_seen',
  'messaging_referral',
  'message_reactions',
  'messaging_handover',
  'standby',
  'comments',
] as const;

/** Permissions a channel needs to send and receive (Meta's permissions reference for Messenger and Instagram). */
export const REQUIRED_SCOPES: Record<Platform, readonly string[]> = {
  messenger: ['pages_messaging', 'pages_manage_metadata'],
  instagram: ['pages_manage_metadata', 'instagram_basic', 'instagram_manage_messages'],
};

/**
 * The webhook fields a channel of `platform` needs: the host's list for the platform when it gave one
 * (`createChannels({ webhookFields })`), else Pagedesk's.
 */
export function webhookFieldsFor(
  platform: Platform,
  hostFields?: Partial<Record<Platform, readonly string[]>>,
): readonly string[] {
  return hostFields?.[platform] ?? (platform === 'instagram' ? INSTAGRAM_FIELDS : MESSENGER_FIELDS);
}

/**
 * The needed webhook fields an app's subscription on a page lacks (all of them when the app is not
 * subscribed at all). An app listed with no fields is taken as subscribed to what it asked for: Meta
 * leaves the list out in some answers.
 *
 * @example
 * missingWebhookFields(['messages', 'message_echoes'], ['messages']); // ['message_echoes']
 */
export function missingWebhookFields(
  needed: readonly string[],
  subscribed: readonly string[] | undefined,
): string[] {
  if (subscribed === undefined) return [...needed];
  if (subscribed.length === 0) return [];
  const have = new Set(subscribed);
  return needed.filter((field) => !have.has(field));
}

/** The required permissions a token lacks for this channel, from debug_token's scopes. */
export function missingScopes(
  channel: { id: string; platform: Platform },
  scopes: string[],
  granular: Array<{ scope: string; targetIds: string[] }>,
  node: string,
): string[] {
  return REQUIRED_SCOPES[channel.platform].filter((scope) => {
    if (!scopes.includes(scope)) return true;
    const grant = granular.find((g) => g.scope === scope);
    // Granular scopes name the assets a permission covers; an empty list means all of them.
    return (
      grant !== undefined &&
      grant.targetIds.length > 0 &&
      !grant.targetIds.includes(node) &&
      !grant.targetIds.includes(channel.id)
    );
  });
}
