import { TokenError } from '../errors.js';
import type { Channel } from '../model.js';
import { memoryPersonas, type PersonaStore } from '../personaRecord.js';
import type { ChannelContext } from './channelContext.js';
import type { AgentProfile } from './channels.types.js';
import type { PageGraph } from './pageGraph.js';

// Personas (https://developers.facebook.com/docs/messenger-platform/send-messages/personas): the
// customer sees the agent's name and face on Messenger. One persona per page and agent, its id kept
// in the store (`Store.personas`, or this process's memory without it) so every server and restart
// reuses it. Meta's personas cannot be edited, so a changed name or avatar makes a new persona (the
// old one is deleted; past messages keep it). A page whose personas Meta refuses sends without them
// from then on (in this process).

export interface Personas {
  /** The persona id for an agent's reply, or undefined to send as the page. */
  personaFor(channel: Channel, page: PageGraph, agentId: string | undefined): Promise<string | undefined>;
  /** Meta rejected a persona on this page: stop using personas there. */
  reject(channelId: string): void;
}

/** Meta's limit on a persona's name. */
const NAME_MAX = 50;

export function createPersonas(ctx: ChannelContext): Personas {
  const { options } = ctx;
  const records: PersonaStore = ctx.store.personas ?? memoryPersonas();
  const unavailable = new Set<string>();

  async function lookUpAgent(channel: Channel, agentId: string): Promise<AgentProfile | undefined> {
    try {
      return await options.agents!(agentId, channel);
    } catch (error) {
      // The host's agent lookup failing says nothing about Meta's personas: try again next reply.
      ctx.reportError(error, channel.id);
      return undefined;
    }
  }

  return {
    async personaFor(channel, page, agentId) {
      if (!agentId || !options.agents || channel.platform !== 'messenger' || unavailable.has(channel.id))
        return undefined;
      const agent = await lookUpAgent(channel, agentId);
      // Meta requires a public profile picture for a persona: without one the reply goes as the page.
      if (!agent?.avatarUrl) return undefined;
      const name = agent.name.slice(0, NAME_MAX);
      const known = await records.get(channel.id, agentId);
      if (known && known.name === name && known.avatarUrl === agent.avatarUrl) return known.personaId;
      let personaId: string;
      try {
        personaId = await page.createPersona({ name, profilePictureUrl: agent.avatarUrl });
      } catch (error) {
        // A reply without the agent's face is better than no reply.
        await ctx.onGraphError(channel, error);
        if (error instanceof TokenError) throw error;
        unavailable.add(channel.id);
        ctx.reportError(error, channel.id);
        return undefined;
      }
      await records.put({
        channelId: channel.id,
        agentId,
        personaId,
        name,
        avatarUrl: agent.avatarUrl,
        createdAt: ctx.now(),
      });
      // The outdated persona goes; a failure to delete it costs nothing but a stale entry at Meta.
      if (known)
        ctx.track(page.deletePersona(known.personaId).catch((e: unknown) => ctx.reportError(e, channel.id)));
      return personaId;
    },
    reject(channelId) {
      unavailable.add(channelId);
    },
  };
}
