import {
  type Channel,
  checkTemplate,
  type Message,
  NotFoundError,
  PagedeskError,
  parseOrThrow,
  type ReplyTemplate,
  type ReplyTemplateInput,
  RuleViolationError,
  renderTemplate,
  replyTemplateInputSchema,
  type TemplatePart,
  type TemplateStore,
  templateContext,
  templateDrafts,
  ValidationError,
} from '@pagedesk/core';
import * as z from 'zod/mini';
import type { Access } from './access.js';
import { readJson } from './http.js';
import { requireAdmin } from './principal.js';
import { definedOnly, type Handlers, idOf, json, type RouteDeps, requireChannels } from './routes.js';
import { ownUploads } from './uploadRoutes.js';

// Reply templates: every principal reads its organisation's templates (an agent only those that may be
// sent on a channel it sees); admins write them, each checked against the rules of every channel in its
// scope before it is stored. Sending one sends its parts in order through the normal send path.

const listQuerySchema = z.object({ channelId: z.optional(z.string().check(z.minLength(1))) });
const sendSchema = z.object({ templateId: z.string().check(z.minLength(1)) });
const patchSchema = z.partial(replyTemplateInputSchema);

/** Whether a template may be sent on a channel. */
const appliesTo = (template: ReplyTemplate, channelId: string) =>
  template.channelIds === null || template.channelIds.includes(channelId);

/** The routes of reply templates. */
export function templateRoutes(deps: RouteDeps) {
  const { store, maxBodyBytes } = deps;
  const templatesOf = (): TemplateStore => {
    if (!store.templates)
      throw new PagedeskError(
        'not_implemented',
        'Reply templates need a store with a `templates` section (memoryStore and postgresStore have one)',
      );
    return store.templates;
  };

  /**
   * The template, or NotFoundError when it is missing, of another organisation, or (for an agent)
   * meant only for channels the principal does not see: the same answer for each.
   */
  const templateFor = async (access: Access, id: string): Promise<ReplyTemplate> => {
    const template = await templatesOf().get(id);
    if (!template || (template.organizationId ?? undefined) !== access.principal.organizationId)
      throw new NotFoundError('Template', id);
    const visible = await access.visibleChannels();
    if (!visible.some((channel) => appliesTo(template, channel.id))) throw new NotFoundError('Template', id);
    return template;
  };

  /**
   * The channels a template may be sent on, each one of the organisation's (an id outside it is
   * refused like one that does not exist), so its rules can be checked.
   */
  const scopeChannels = async (access: Access, channelIds: ReplyTemplateInput['channelIds']) => {
    const visible = await access.visibleChannels();
    if (channelIds === null) return visible;
    const byId = new Map(visible.map((channel) => [channel.id, channel]));
    const issues = channelIds.flatMap((id, index) =>
      byId.has(id) ? [] : [{ path: `channelIds[${index}]`, message: `no channel ${JSON.stringify(id)}` }],
    );
    if (issues.length > 0) throw new ValidationError('reply template', issues);
    return [...new Set(channelIds)].map((id) => byId.get(id) as Channel);
  };

  /** Attachments rebuilt from the organisation's own uploads (404 for another's, as on send). */
  const withOwnFiles = async (
    parts: readonly TemplatePart[],
    access: Access,
    url: URL,
  ): Promise<TemplatePart[]> =>
    Promise.all(
      parts.map(async (part) =>
        part.attachments && part.attachments.length > 0
          ? { ...part, attachments: await ownUploads(deps, part.attachments, access.principal, url) }
          : part,
      ),
    );

  const save = async (
    access: Access,
    url: URL,
    input: ReplyTemplateInput,
    previous?: ReplyTemplate,
  ): Promise<ReplyTemplate> => {
    const checked = checkTemplate(input, await scopeChannels(access, input.channelIds));
    const now = Date.now();
    const { organizationId, agentId } = access.principal;
    const template: ReplyTemplate = {
      id: previous?.id ?? `tpl_${crypto.randomUUID()}`,
      ...(organizationId === undefined ? {} : { organizationId }),
      name: checked.name,
      parts: await withOwnFiles(checked.parts, access, url),
      channelIds: checked.channelIds === null ? null : [...new Set(checked.channelIds)],
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
      ...(agentId === undefined ? {} : { updatedBy: agentId }),
    };
    await templatesOf().put(template);
    return template;
  };

  return {
    listTemplates: {
      access: 'read',
      async run({ url, access }) {
        const { channelId } = parseOrThrow(
          listQuerySchema,
          Object.fromEntries(url.searchParams),
          'template query',
        );
        if (channelId !== undefined) await access.channel(channelId);
        const visible = (await access.visibleChannels()).map((channel) => channel.id);
        const all = await templatesOf().list({ organizationId: access.principal.organizationId ?? null });
        return json(
          all
            .filter((template) =>
              channelId === undefined
                ? visible.some((id) => appliesTo(template, id))
                : appliesTo(template, channelId),
            )
            // An agent kept off a page must not learn it from a template's scope either.
            .map((template) =>
              template.channelIds === null
                ? template
                : { ...template, channelIds: template.channelIds.filter((id) => visible.includes(id)) },
            ),
        );
      },
    },
    createTemplate: {
      access: 'write',
      async run({ request, url, access }) {
        requireAdmin(access.principal, 'Writing reply templates');
        templatesOf();
        const input = parseOrThrow(
          replyTemplateInputSchema,
          await readJson(request, maxBodyBytes),
          'reply template',
        );
        return json(await save(access, url, input), 201);
      },
    },
    updateTemplate: {
      access: 'write',
      async run({ request, url, params, access }) {
        const previous = await templateFor(access, idOf({ params }));
        requireAdmin(access.principal, 'Writing reply templates');
        const patch = parseOrThrow(
          patchSchema,
          await readJson(request, maxBodyBytes),
          'reply template patch',
        );
        const {
          id: _id,
          organizationId: _org,
          createdAt: _c,
          updatedAt: _u,
          updatedBy: _b,
          ...current
        } = previous;
        return json(
          await save(
            access,
            url,
            { ...current, ...definedOnly<Partial<ReplyTemplateInput>>(patch) },
            previous,
          ),
        );
      },
    },
    deleteTemplate: {
      access: 'write',
      async run({ params, access }) {
        const template = await templateFor(access, idOf({ params }));
        requireAdmin(access.principal, 'Writing reply templates');
        await templatesOf().delete(template.id);
        return new Response(null, { status: 204 });
      },
    },
    sendTemplate: {
      access: 'write',
      async run({ request, url, params, access }) {
        const conversationId = idOf({ params });
        const conversation = await access.conversation(conversationId);
        const { templateId } = parseOrThrow(
          sendSchema,
          await readJson(request, maxBodyBytes),
          'template send',
        );
        const template = await templateFor(access, templateId);
        if (!appliesTo(template, conversation.channelId))
          throw new RuleViolationError(
            'template_not_for_channel',
            `Template "${template.name}" is not meant for this conversation's channel`,
          );
        const sender = requireChannels(deps, 'Sending');
        const [customer, channel, agentName] = await Promise.all([
          store.customers.get(conversation.customerId),
          access.channel(conversation.channelId),
          agentNameOf(deps, access),
        ]);
        const context = templateContext({ customer, channel, agentName });
        // Render and check every file first: nothing is sent unless every part can be.
        const drafts = templateDrafts(
          await filesStillStored(renderTemplate(template, context), template, access, url),
        );
        const { agentId } = access.principal;
        const author =
          agentId === undefined ? { kind: 'agent' as const } : { kind: 'agent' as const, agentId };
        const messages: Message[] = [];
        // In order, one part after the other: the customer sees the bubbles as the template lists them.
        // A part that fails stops the rest; the parts sent before it stay sent (and shown).
        for (const draft of drafts)
          messages.push(
            ...(await sender.send(conversationId, {
              ...draft,
              ...(agentId === undefined ? {} : { agentId }),
              author,
            })),
          );
        return json({ messages }, 201);
      },
    },
  } satisfies Partial<Handlers>;

  /** The files of a rendered template, still kept by the upload store (a store may expire them). */
  async function filesStillStored(
    parts: TemplatePart[],
    template: ReplyTemplate,
    access: Access,
    url: URL,
  ): Promise<TemplatePart[]> {
    try {
      return await withOwnFiles(parts, access, url);
    } catch (error) {
      if (error instanceof NotFoundError)
        throw new RuleViolationError(
          'template_file_missing',
          `Template "${template.name}" has a file the upload store no longer keeps; an admin uploads it again`,
        );
      throw error;
    }
  }
}

/** The signed-in agent's name from the host's directory (`agents` option), when it has one. */
async function agentNameOf(deps: RouteDeps, access: Access): Promise<string | undefined> {
  const { agentId } = access.principal;
  if (agentId === undefined || !deps.options.agents) return undefined;
  const agents = await deps.options.agents(access.principal);
  return Array.isArray(agents) ? agents.find((agent) => agent?.id === agentId)?.name : undefined;
}
