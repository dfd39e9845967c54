import { afterAll, beforeAll } from 'vitest';
import { AGENT_COOKIE, type RunningHelpdesk, startHelpdesk } from '../src/server/helpdesk.js';

/** The signed-in demo agent's cookie header. */
export const as = (agentId: string) => ({ cookie: `${AGENT_COOKIE}=${agentId}` });

/**
 * The demo on the emulator with no seeded conversations, started before the file's tests and closed
 * after them; `current()` is the running helpdesk.
 */
export function unseededHelpdesk(): { current(): RunningHelpdesk } {
  let helpdesk: RunningHelpdesk | undefined;
  beforeAll(async () => {
    helpdesk = await startHelpdesk({
      config: { mode: 'emulator', port: 0, host: '127.0.0.1', emulatorPort: 0 },
      seed: false,
    });
  });
  afterAll(() => helpdesk?.close());
  return { current: () => helpdesk! };
}
