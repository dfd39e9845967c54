import * as z from 'zod/mini';
import { ValidationError } from './errors.js';
import { parseOrThrow } from './parseOrThrow.js';

// Personas are Meta objects (a name and a picture the customer sees on an agent's replies), created
// once per page and agent and reused on every reply. Their ids live in the store, so every server
// and every restart reuses the same persona, and a new one is made only when the agent's name or
// avatar changed (Meta's personas cannot be edited: https://developers.facebook.com/docs/messenger-platform/send-messages/personas).

/** One agent's persona on one page, as the store keeps it. */
export const personaRecordSchema = z.object({
  channelId: z.string().check(z.minLength(1)),
  agentId: z.string().check(z.minLength(1)),
  /** Meta's persona id. */
  personaId: z.string().check(z.minLength(1)),
  /** The name and avatar the persona was created with: a change makes a new persona. */
  name: z.string(),
  avatarUrl: z.string(),
  createdAt: z.number(),
});
export type PersonaRecord = z.infer<typeof personaRecordSchema>;

/** The optional `Store.personas` section: persona ids per page (channel) and agent. */
export interface PersonaStore {
  get(channelId: string, agentId: string): Promise<PersonaRecord | undefined>;
  /** Upserts by `(channelId, agentId)`. */
  put(persona: PersonaRecord): Promise<void>;
}

function requireKeys(channelId: unknown, agentId: unknown): void {
  const issues = Object.entries({ channelId, agentId })
    .filter(([, value]) => typeof value !== 'string' || value === '')
    .map(([path]) => ({ path, message: 'expected a non-empty string' }));
  if (issues.length > 0) throw new ValidationError('persona key', issues);
}

/**
 * The in-memory `Store.personas` of `memoryStore()`.
 *
 * @example
 * const store = { ...myStore, personas: memoryPersonas() };
 */
export function memoryPersonas(): PersonaStore {
  const records = new Map<string, PersonaRecord>();
  const key = (channelId: string, agentId: string) => `${channelId}\u0000${agentId}`;
  return {
    async get(channelId, agentId) {
      requireKeys(channelId, agentId);
      return records.get(key(channelId, agentId));
    },
    async put(persona) {
      const record = Object.freeze({ ...parseOrThrow(personaRecordSchema, persona, 'persona') });
      records.set(key(record.channelId, record.agentId), record);
    },
  };
}
