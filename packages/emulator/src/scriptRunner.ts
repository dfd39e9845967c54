import { parseOrThrow, ValidationError } from '@pagedesk/core';
import { customerHandle } from './customerHandle.js';
import type { Emulator, ScriptResult } from './emulatorTypes.js';
import { type ScriptStep, scriptStepSchema } from './script.js';
import type { EmulatorCustomer } from './types.js';
import type { World } from './world.js';

// `emulator.runScript`: a declarative seeding script (script.ts) played step by step. Customers are
// created on first mention by alias; every action is started in order and awaited together.

function scriptError(i: number, path: string, message: string): ValidationError {
  return new ValidationError(`script step ${i}`, [{ path, message }]);
}

/** The customer a step names: the alias's, or a new one on the step's page (or first page of its platform). */
function customerFor(world: World, aliases: Map<string, string>, step: ScriptStep, i: number): string {
  const known = aliases.get(step.customer);
  if (known) return known;
  const target = step.page
    ? world.pages.get(step.page)
    : [...world.pages.values()].find((p) => step.platform === undefined || p.platform === step.platform);
  if (!target)
    throw scriptError(
      i,
      step.page ? 'page' : 'platform',
      `no ${step.page ?? step.platform ?? ''} page is configured`,
    );
  const name = step.name ?? step.customer.charAt(0).toUpperCase() + step.customer.slice(1);
  const id = world.createCustomer({ pageId: target.id, name }).id;
  aliases.set(step.customer, id);
  return id;
}

export async function runScript(
  world: World,
  emulator: Emulator,
  steps: readonly ScriptStep[],
): Promise<ScriptResult> {
  const parsed = steps.map((step, i) => parseOrThrow(scriptStepSchema, step, `script step ${i}`));
  const aliases = new Map<string, string>();
  const pending: Array<Promise<unknown>> = [];
  for (const [i, step] of parsed.entries()) {
    const customerId = customerFor(world, aliases, step, i);
    const handle = customerHandle(world, customerId);
    const when = step.at === undefined ? {} : { at: step.at };
    if (step.say !== undefined || step.attachments !== undefined) {
      pending.push(
        handle.send({
          ...(step.say === undefined ? {} : { text: step.say }),
          ...(step.attachments === undefined ? {} : { attachments: step.attachments }),
          ...when,
        }),
      );
    }
    if (step.postback) pending.push(handle.postback({ ...step.postback, ...when } as { title: string }));
    if (step.comment) pending.push(handle.comment({ ...step.comment, ...when } as { text: string }));
    if (step.storyMention)
      pending.push(handle.storyMention({ ...step.storyMention, ...when } as { url?: string }));
    if (step.react) {
      const last = world
        .conversation(customerId)
        .filter((m) => m.direction === 'outbound')
        .at(-1);
      if (!last) throw scriptError(i, 'react', 'the page has not sent a message to react to');
      pending.push(handle.react(last.mid, step.react, when));
    }
    if (step.read) pending.push(handle.read(when));
    if (step.pageReply) {
      const page = emulator.page(world.customer(customerId).pageId);
      pending.push(page.echo({ recipient: customerId, text: step.pageReply, ...when }));
    }
  }
  await Promise.all(pending);
  const customers: Record<string, EmulatorCustomer> = {};
  for (const [alias, id] of aliases) customers[alias] = world.snapshotCustomer(world.customer(id));
  return { customers };
}
