import { describe, expect, it } from 'vitest';
import type { AgentProfile } from '../channels.types.js';
import { customerWrote, harness, T0, useFakeMeta } from './fakeMeta.js';

// Persona ids live in the store per page and agent: a restart (or another server) reuses them, and
// a changed name or avatar makes a new persona.

const env = useFakeMeta();
const personaCalls = () => env.standin.requests.filter((r) => r.path === 'PAGE_1/personas');
const personaOf = () => env.meta.sent.map((r) => (r.body as { persona_id?: string }).persona_id);

describe('stored personas', () => {
  it('a new process reuses the stored persona; a new avatar or name makes a new one and deletes the old', async () => {
    const profile: AgentProfile = { name: 'Ana', avatarUrl: 'https://host.example/ana-1.png' };
    env.meta.personaAnswers.push(
      { json: { id: 'persona_a1' } },
      { json: { id: 'persona_a2' } },
      { json: { id: 'persona_a3' } },
    );
    const h = await harness(env.standin, { channels: { agents: () => profile } });
    const id = await customerWrote(h, T0 - 1000);
    await h.channels.send(id, { text: 'one', agentId: 'ana' });
    expect(await h.store.personas!.get('PAGE_1', 'ana')).toMatchObject({
      personaId: 'persona_a1',
      name: 'Ana',
      avatarUrl: 'https://host.example/ana-1.png',
    });
    // Another process over the same store: no new persona.
    const restarted = h.make();
    await restarted.send(id, { text: 'two', agentId: 'ana' });
    expect(personaCalls()).toHaveLength(1);
    // The agent changes the avatar, then the name.
    profile.avatarUrl = 'https://host.example/ana-2.png';
    await restarted.send(id, { text: 'three', agentId: 'ana' });
    profile.name = 'Ana Lima';
    await restarted.send(id, { text: 'four', agentId: 'ana' });
    await restarted.idle();
    expect(personaOf()).toEqual(['persona_a1', 'persona_a1', 'persona_a2', 'persona_a3']);
    expect(personaCalls().map((r) => r.body)).toEqual([
      { name: 'Ana', profile_picture_url: 'https://host.example/ana-1.png' },
      { name: 'Ana', profile_picture_url: 'https://host.example/ana-2.png' },
      { name: 'Ana Lima', profile_picture_url: 'https://host.example/ana-2.png' },
    ]);
    const deleted = env.standin.requests.filter((r) => r.method === 'DELETE').map((r) => r.path);
    expect(deleted).toEqual(['persona_a1', 'persona_a2']);
    expect(await h.store.personas!.get('PAGE_1', 'ana')).toMatchObject({
      personaId: 'persona_a3',
      name: 'Ana Lima',
    });
  });

  it('keeps personas per page and agent', async () => {
    env.meta.personaAnswers.push({ json: { id: 'p_ana' } }, { json: { id: 'p_ben' } });
    const h = await harness(env.standin, {
      channels: {
        agents: (agentId) => ({ name: agentId, avatarUrl: `https://host.example/${agentId}.png` }),
      },
    });
    const id = await customerWrote(h, T0 - 1000);
    await h.channels.send(id, { text: 'a', agentId: 'ana' });
    await h.channels.send(id, { text: 'b', agentId: 'ben' });
    await h.channels.send(id, { text: 'c', agentId: 'ana' });
    expect(personaOf()).toEqual(['p_ana', 'p_ben', 'p_ana']);
    expect((await h.store.personas!.get('PAGE_1', 'ben'))!.personaId).toBe('p_ben');
    expect(await h.store.personas!.get('PAGE_2', 'ana')).toBeUndefined();
  });

  it("asks for the agent of the page's organisation: agent ids may repeat across organisations", async () => {
    const directory: Record<string, Record<string, AgentProfile>> = {
      org_a: { 'agent-1': { name: 'Ana', avatarUrl: 'https://host.example/ana.png' } },
      org_b: { 'agent-1': { name: 'Bea', avatarUrl: 'https://host.example/bea.png' } },
    };
    const h = await harness(env.standin, {
      channel: { organizationId: 'org_b' },
      channels: { agents: (agentId, channel) => directory[channel.organizationId ?? '']?.[agentId] },
    });
    const id = await customerWrote(h, T0 - 1000);
    const [message] = await h.channels.send(id, { text: 'Hello', agentId: 'agent-1' });
    // Org B's customer sees org B's agent, and the stored author is hers, never org A's namesake.
    expect(personaCalls().map((r) => r.body)).toEqual([
      { name: 'Bea', profile_picture_url: 'https://host.example/bea.png' },
    ]);
    expect(message!.author).toEqual({ kind: 'agent', agentId: 'agent-1', name: 'Bea' });
  });
});
