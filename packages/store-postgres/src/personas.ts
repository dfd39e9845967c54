import {
  type PersonaRecord,
  type PersonaStore,
  parseOrThrow,
  personaRecordSchema,
  ValidationError,
} from '@pagedesk/core';
import type { QueryResultRow } from 'pg';
import { parseRow } from './rows.js';

// `Store.personas` on PostgreSQL (migration 4): one row per page and agent, upserted when a changed
// name or avatar made a new persona.

type Query = <TRow extends QueryResultRow>(text: string, values?: unknown[]) => Promise<TRow[]>;

/** The personas section of `postgresStore`, over its executor's `query` and quoted schema name. */
export function postgresPersonas(query: Query, s: string): PersonaStore {
  const get = `SELECT channel_id || '/' || agent_id AS id, data FROM ${s}.personas WHERE channel_id = $1 AND agent_id = $2`;
  const put = `INSERT INTO ${s}.personas (channel_id, agent_id, data) VALUES ($1, $2, $3) ON CONFLICT (channel_id, agent_id) DO UPDATE SET data = EXCLUDED.data`;
  return {
    async get(channelId, agentId) {
      const issues = Object.entries({ channelId, agentId })
        .filter(([, value]) => typeof value !== 'string' || value === '')
        .map(([path]) => ({ path, message: 'expected a non-empty string' }));
      if (issues.length > 0) throw new ValidationError('persona key', issues);
      const row = (await query<{ id: string; data: unknown }>(get, [channelId, agentId]))[0];
      return row === undefined ? undefined : parseRow<PersonaRecord>(personaRecordSchema, 'personas', row);
    },
    async put(persona) {
      const value = parseOrThrow<PersonaRecord>(personaRecordSchema, persona, 'persona');
      await query(put, [value.channelId, value.agentId, value]);
    },
  };
}
