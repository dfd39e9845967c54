import { readdirSync, readFileSync } from 'node:fs';
import { createInbox, type MessengerEvent, memoryStore } from '@pagedesk/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { WebhookContentError, WebhookPayloadError } from '../errors.js';
import { parseWebhook } from '../parseWebhook.js';

// The real-world corpus: webhook bodies collected from public SDK test suites and helpdesk fixtures
// (fixtures/real-world/sources.json names each one's repository, path and license). The expectations
// in the manifest were written by hand from each payload, never from the parser's output.

const dir = new URL('./fixtures/real-world/', import.meta.url);

const expectedEvent = z.object({
  kind: z.string(),
  id: z.optional(z.string()),
  pageId: z.optional(z.string()),
  customerId: z.optional(z.nullable(z.string())),
  /** null: the event has no text. */
  text: z.optional(z.nullable(z.string())),
  attachments: z.optional(z.number()),
  attachmentKinds: z.optional(z.array(z.string())),
  field: z.optional(z.string()),
});

const manifestSchema = z.object({
  sources: z.record(
    z.string(),
    z.object({ repository: z.string(), url: z.string(), license: z.string(), what: z.string() }),
  ),
  payloads: z.array(
    z.object({
      file: z.string(),
      source: z.string(),
      path: z.string(),
      events: z.array(expectedEvent),
      /** Items kept as `unknown` because what identifies them is wrong (default 0). */
      invalid: z.optional(z.number()),
      /** Events reported through onContentIssue (default 0). */
      contentIssues: z.optional(z.number()),
      note: z.optional(z.string()),
    }),
  ),
});

const manifest = manifestSchema.parse(JSON.parse(readFileSync(new URL('sources.json', dir), 'utf8')));

/** Every id-like field of an event (outside `raw`) and its value, at any depth. */
function idFields(value: unknown, path = ''): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') return [];
  const out: Array<[string, unknown]> = [];
  for (const [key, v] of Object.entries(value)) {
    if (key === 'raw' || key === 'payload' || key === 'adsContext' || key === 'appRoles') continue;
    const at = path ? `${path}.${key}` : key;
    if (/(?:^id|Id|^mid)$/.test(key)) out.push([at, v]);
    if (key === 'mids' && Array.isArray(v))
      out.push(...v.map((m, i): [string, unknown] => [`${at}[${i}]`, m]));
    else out.push(...idFields(v, at));
  }
  return out;
}

function textOf(event: MessengerEvent): string | undefined {
  return 'text' in event ? event.text : undefined;
}

describe('real-world corpus', () => {
  it('holds at least 150 payloads from at least two independent public sources, each file listed once', () => {
    expect(manifest.payloads.length).toBeGreaterThanOrEqual(150);
    const used = new Set(manifest.payloads.map((p) => p.source));
    expect(used.size).toBeGreaterThanOrEqual(2);
    for (const source of used) expect(manifest.sources[source]).toBeDefined();
    const listed = new Set(manifest.payloads.map((p) => p.file));
    expect(listed.size).toBe(manifest.payloads.length);
    const onDisk = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f.endsWith('.json') && f !== 'sources.json',
    );
    expect(onDisk.sort()).toEqual([...listed].sort());
  });

  it.each(manifest.payloads.map((p) => [p.file, p] as const))('%s', async (_file, payload) => {
    const body = readFileSync(new URL(payload.file, dir));
    const invalid: WebhookPayloadError[] = [];
    const content: WebhookContentError[] = [];
    const events = parseWebhook(body, {
      onInvalidEvent: (e) => invalid.push(e),
      onContentIssue: (e) => content.push(e),
    });
    expect(invalid.map((e) => e.message)).toHaveLength(payload.invalid ?? 0);
    expect(content.map((e) => e.message)).toHaveLength(payload.contentIssues ?? 0);
    expect(events.map((e) => e.kind)).toEqual(payload.events.map((e) => e.kind));
    payload.events.forEach((want, i) => {
      const event = events[i] as MessengerEvent;
      for (const [path, value] of idFields(event)) {
        expect(typeof value === 'string' || (value === null && path === 'customerId'), path).toBe(true);
      }
      if (want.id !== undefined) expect(event.id).toBe(want.id);
      if (want.pageId !== undefined) expect(event.pageId).toBe(want.pageId);
      if (want.customerId !== undefined) expect(event.customerId).toBe(want.customerId);
      if (want.text !== undefined) expect(textOf(event)).toBe(want.text ?? undefined);
      if (want.field !== undefined) expect(event.kind === 'unknown' && event.field).toBe(want.field);
      if (want.attachments !== undefined || want.attachmentKinds !== undefined) {
        const attachments = 'attachments' in event ? event.attachments : [];
        if (want.attachments !== undefined) expect(attachments).toHaveLength(want.attachments);
        if (want.attachmentKinds !== undefined)
          expect(attachments.map((a) => a.kind)).toEqual(want.attachmentKinds);
      }
    });
    // What the parser hands over, the inbox accepts (a refused event would fail the delivery with a 500).
    // Policy events act on the page's channel record, which this bare store does not hold.
    const applicable = events.filter((e) => e.kind !== 'policy_enforcement');
    await expect(createInbox({ store: memoryStore() }).apply(applicable)).resolves.toBeDefined();
  });
});
