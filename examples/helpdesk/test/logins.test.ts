import { describe, expect, it } from 'vitest';
import { outletPage } from '../src/server/helpdesk.js';
import { as, unseededHelpdesk } from './unseeded.js';

// The demo's login routes over HTTP, without a browser: who may start a login, a grant bound to the
// session that received it, a state used by another session, and a callback replayed.

const demo = unseededHelpdesk();

/** Starts a login as `agentId` and clicks Allow (or Decline) in the emulator's dialog: the callback URL. */
async function dialog(path: string, agentId: string, decision = 'allow'): Promise<string> {
  const start = await fetch(`${demo.current().url}${path}`, { headers: as(agentId), redirect: 'manual' });
  expect(start.status).toBe(302);
  const url = new URL(start.headers.get('location')!);
  url.searchParams.set('decision', decision);
  const back = await fetch(url, { redirect: 'manual' });
  return back.headers.get('location')!;
}

/** The message the Facebook callback page posts to the app. */
async function popupResult(callback: string, agentId: string): Promise<{ grant?: string; error?: string }> {
  const html = await (await fetch(callback, { headers: as(agentId) })).text();
  return JSON.parse(/const result = (.*);/.exec(html)![1]!) as { grant?: string; error?: string };
}

const connectablePages = (agentId: string, grant: string) =>
  fetch(`${demo.current().url}/api/connect/pages`, {
    method: 'POST',
    headers: { ...as(agentId), 'content-type': 'application/json' },
    body: JSON.stringify({ userAccessToken: grant }),
  });

describe('the demo login routes', () => {
  it('lets only an admin start a login', async () => {
    const refused = await fetch(`${demo.current().url}/auth/instagram/start`, {
      headers: as('agent-lee'),
      redirect: 'manual',
    });
    const location = new URL(refused.headers.get('location')!, demo.current().url);
    expect(location.searchParams.get('login_error')).toMatch(/Only an organisation admin/);
    expect((await popupResult(`${demo.current().url}/auth/facebook/start`, 'agent-lee')).error).toMatch(
      /Only an organisation admin/,
    );
  });

  it('hands the browser a grant that works for its own session only, never the token', async () => {
    const result = await popupResult(await dialog('/auth/facebook/start', 'agent-sam'), 'agent-sam');
    expect(result.grant).toMatch(/^[\w-]{32}$/);
    expect(demo.current().emulator!.logins.permissionsOf(result.grant!)).toBeUndefined();
    const pages = (await (await connectablePages('agent-sam', result.grant!)).json()) as Array<{
      id: string;
    }>;
    expect(pages.map((p) => p.id)).toContain(outletPage.id);
    // Globex's admin holding Sam's grant gets nothing: the grant is bound to Sam's session.
    const stolen = await connectablePages('agent-gus', result.grant!);
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toMatch(/log in with Facebook again/);
  });

  it("refuses a callback carrying another session's state, and a replayed callback", async () => {
    const callback = await dialog('/auth/facebook/start', 'agent-sam');
    expect((await popupResult(callback, 'agent-gus')).error).toMatch(/issued to another session/);
    const instagram = await dialog('/auth/instagram/start', 'agent-sam');
    const first = await fetch(instagram, { headers: as('agent-sam'), redirect: 'manual' });
    expect(new URL(first.headers.get('location')!, demo.current().url).searchParams.get('connected')).toBe(
      'pagedesk.demo',
    );
    const replayed = await fetch(instagram, { headers: as('agent-sam'), redirect: 'manual' });
    expect(
      new URL(replayed.headers.get('location')!, demo.current().url).searchParams.get('login_error'),
    ).toMatch(
      // The state works once: the replay is refused before its code ever reaches Meta.
      /^Instagram Login: The login state was used already/,
    );
  });
});
