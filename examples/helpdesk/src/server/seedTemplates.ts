import { type Channel, checkTemplate, type ReplyTemplateInput, type Store } from '@pagedesk/core';
import { demoPages } from '@pagedesk/emulator';

// Reply templates of the seeded demo, each organisation its own: what an admin would write in the
// template editor, checked by the same rule the inbox API applies to an admin's write (`checkTemplate`
// against every channel in its scope) and stored in the store's `templates` section, which both the
// in-memory and the PostgreSQL store have. The composer's picker (`/` or "Templates") lists them.

const [acmeMessenger, acmeInstagram, globexMessenger] = demoPages.map((page) => page.id) as [
  string,
  string,
  string,
];

/** A seeded template: stable id (a restart on PostgreSQL finds it), organisation and the admin who wrote it. */
interface DemoTemplate {
  id: string;
  organizationId: string;
  updatedBy: string;
  input: ReplyTemplateInput;
}

/** The demo's templates: Acme's for both its channels and one per channel, and Globex's own. */
export const demoTemplates: readonly DemoTemplate[] = [
  {
    id: 'tpl_demo_acme_greeting',
    organizationId: 'org-acme',
    updatedBy: 'agent-sam',
    input: {
      name: 'Greeting',
      parts: [
        { text: 'Hi {{customer.firstName|there}}, thanks for writing to Acme Outdoor! How can I help?' },
      ],
      channelIds: null,
    },
  },
  {
    id: 'tpl_demo_acme_shipped',
    organizationId: 'org-acme',
    updatedBy: 'agent-sam',
    input: {
      name: 'Order shipped',
      parts: [
        {
          text: 'Good news, {{customer.firstName|there}}: your order left our warehouse today. The tracking link is on its way by email.',
        },
      ],
      channelIds: null,
    },
  },
  {
    // Messenger only: two bubbles, the second with quick replies for the customer's answer.
    id: 'tpl_demo_acme_returns',
    organizationId: 'org-acme',
    updatedBy: 'agent-sam',
    input: {
      name: 'Returns policy',
      parts: [
        { text: 'You can return anything within 30 days, unworn and with its tags, and the return is free.' },
        {
          text: 'Shall I send you a prepaid return label?',
          quickReplies: [
            { title: 'Yes, please', payload: 'RETURN_LABEL_YES' },
            { title: 'No, thanks', payload: 'RETURN_LABEL_NO' },
          ],
        },
      ],
      channelIds: [acmeMessenger],
    },
  },
  {
    id: 'tpl_demo_acme_instagram_order',
    organizationId: 'org-acme',
    updatedBy: 'agent-sam',
    input: {
      name: 'Ask for the order number (Instagram)',
      parts: [
        { text: 'Thanks for the DM! Send us your order number here and we will look into it right away.' },
      ],
      channelIds: [acmeInstagram],
    },
  },
  {
    id: 'tpl_demo_globex_invoice',
    organizationId: 'org-globex',
    updatedBy: 'agent-gus',
    input: {
      name: 'Invoice address corrected',
      parts: [
        {
          text: 'Hi {{customer.firstName|there}}, I have corrected the address on your Globex invoice; the new invoice is in your account now.',
        },
      ],
      channelIds: null,
    },
  },
  {
    id: 'tpl_demo_globex_upgrade',
    organizationId: 'org-globex',
    updatedBy: 'agent-gus',
    input: {
      name: 'Plan upgrade',
      parts: [
        {
          text: 'You can upgrade any time under Settings → Billing. The new plan starts at once and you pay only the difference for this month.',
        },
      ],
      channelIds: [globexMessenger],
    },
  },
];

/**
 * Stores the demo's templates that are not stored yet (so a restart on PostgreSQL keeps an admin's
 * edits), each checked against the channels of its organisation it may be sent on.
 */
export async function seedTemplates(store: Store, now: number): Promise<void> {
  const templates = store.templates;
  if (!templates) throw new Error('demo seed: the store has no templates section');
  const channelsOf = new Map<string, Channel[]>();
  for (const template of demoTemplates) {
    if (await templates.get(template.id)) continue;
    const { organizationId, input } = template;
    if (!channelsOf.has(organizationId))
      channelsOf.set(organizationId, await store.channels.list({ organizationId }));
    const organisationChannels = channelsOf.get(organizationId) ?? [];
    const scope =
      input.channelIds === null
        ? organisationChannels
        : organisationChannels.filter((channel) => input.channelIds?.includes(channel.id));
    if (input.channelIds !== null && scope.length !== input.channelIds.length)
      throw new Error(`demo seed: template ${template.id} names a channel ${organizationId} does not have`);
    const checked = checkTemplate(input, scope);
    await templates.put({
      ...checked,
      id: template.id,
      organizationId,
      createdAt: now,
      updatedAt: now,
      updatedBy: template.updatedBy,
    });
  }
}
