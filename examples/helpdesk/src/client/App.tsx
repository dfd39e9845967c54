import { ChannelSettings, httpTransport, Inbox, PagedeskProvider } from '@pagedesk/react';
import { useEffect, useState } from 'react';

// The whole agent app: Pagedesk's inbox and channel settings under the host's own header. The host
// styles the kit only through its --pd-* theme variables (app.css).
const transport = httpTransport({ baseUrl: '/api' });
// The local emulator serves attachments over http://127.0.0.1; production attachments are always https.
const urlPolicy = { allowLocalHttp: ['localhost', '127.0.0.1', '[::1]'].includes(window.location.hostname) };

/** Stands in for Facebook Login: a real helpdesk runs the JS SDK's FB.login and returns its token. */
async function facebookLogin(): Promise<string | null> {
  const response = await fetch('/demo/login');
  if (!response.ok) return null;
  const { userAccessToken } = (await response.json()) as { userAccessToken: string };
  return userAccessToken;
}

interface DemoAgent {
  id: string;
  name: string;
  organization: string;
  role: 'admin' | 'agent';
}

/**
 * Stands in for the helpdesk's sign-in: pick who you are. The server's `authorize` reads its cookie
 * and answers with that agent's organisation and role, so the inbox shows only what they may see.
 */
function useDemoSession() {
  const [session, setSession] = useState<{ current: string | null; agents: DemoAgent[] }>();
  useEffect(() => {
    void fetch('/demo/session')
      .then((response) => response.json())
      .then(setSession);
  }, []);
  const signInAs = (agentId: string) => {
    // The server sets the (HttpOnly) session cookie, as a real sign-in would.
    void fetch('/demo/session', { method: 'POST', body: JSON.stringify({ agentId }) }).then((response) => {
      if (response.ok) setSession((s) => s && { ...s, current: agentId });
    });
  };
  return { session, signInAs };
}

export function App() {
  const [view, setView] = useState<'inbox' | 'channels'>('inbox');
  const [dark, setDark] = useState(false);
  const { session, signInAs } = useDemoSession();
  if (!session) return null;
  const current = session.agents.find((a) => a.id === session.current);
  return (
    // A new key per agent: a fresh cache and event stream for whoever signs in.
    <PagedeskProvider
      key={current?.id ?? 'nobody'}
      transport={transport}
      theme={dark ? 'dark' : 'light'}
      urlPolicy={urlPolicy}
      {...(current ? { agentId: current.id } : {})}
    >
      <div className="app" data-theme={dark ? 'dark' : 'light'}>
        <header className="app-header">
          <strong className="app-brand">{current?.organization ?? 'Helpdesk'}</strong>
          <nav aria-label="Sections" className="app-nav">
            <button type="button" aria-pressed={view === 'inbox'} onClick={() => setView('inbox')}>
              Inbox
            </button>
            <button type="button" aria-pressed={view === 'channels'} onClick={() => setView('channels')}>
              Channels
            </button>
          </nav>
          <label className="app-switcher">
            Signed in as{' '}
            <select value={current?.id ?? ''} onChange={(event) => signInAs(event.target.value)}>
              {session.agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} ({agent.organization}, {agent.role})
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="app-theme" onClick={() => setDark((d) => !d)}>
            {dark ? 'Light theme' : 'Dark theme'}
          </button>
        </header>
        <main className="app-main">
          {view === 'inbox' ? (
            <Inbox />
          ) : (
            <ChannelSettings onConnect={facebookLogin} onReauthorize={() => facebookLogin()} />
          )}
        </main>
      </div>
    </PagedeskProvider>
  );
}
