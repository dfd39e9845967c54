import { TokenError } from '../errors.js';
import type { Channel } from '../model.js';
import type { ChannelContext } from './channelContext.js';
import type { AgentProfile } from './channels.types.js';
import type { PageGraph } from './pageGraph.js';

// Personas (platform.md §3.9): the customer sees the agent's name and face on Messenger. One persona
// per page and agent, created on first use and cached; a page whose personas Meta refuses sends
// without them from then on.

export interface Personas {
  /** The persona id for an agent's reply, or undefined to send as the page. */
  personaFor(channel: Channel, page: PageGraph, agentId: string | undefined): Promise<string | undefined>;
  /** Meta rejected a persona on this page: stop using personas there. */
  reject(channelId: string): void;
}

export function createPersonas(ctx: ChannelContext): Personas {
  const { options } = ctx;
  const personas = new Map<string, string>();
  const unavailable = new Set<string>();
  return {
    async personaFor(channel, page, agentId) {
      if (!agentId || !options.agents || channel.platform !== 'messenger' || unavailable.has(channel.id))
        return undefined;
      const key = `${channel.id}\u0000${agentId}`;
      const cached = personas.get(key);
      if (cached) return cached;
      let agent: AgentProfile | undefined;
      try {
        agent = await options.agents(agentId);
      } catch (error) {
        // The host's agent lookup failing says nothing about Meta's personas: try again next reply.
        ctx.reportError(error, channel.id);
        return undefined;
      }
      // Meta requires a public profile picture for a persona: without one the reply goes as the page.
      if (!agent?.avatarUrl) return undefined;
      try {
        const id = await page.createPersona({
          name: agent.name.slice(0, 50),
          profilePictureUrl: agent.avatarUrl,
        });
        personas.set(key, id);
        return id;
      } catch (error) {
        // A reply without the agent's face is better than no reply.
        await ctx.onGraphError(channel, error);
        if (error instanceof TokenError) throw error;
        unavailable.add(channel.id);
        ctx.reportError(error, channel.id);
        return undefined;
      }
    },
    reject(channelId) {
      unavailable.add(channelId);
    },
  };
}
