import { ChannelSettings, httpTransport, Inbox, PagedeskProvider } from '@pagedesk/react';
import { useState } from 'react';

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

export function App() {
  const [view, setView] = useState<'inbox' | 'channels'>('inbox');
  const [dark, setDark] = useState(false);
  return (
    <PagedeskProvider
      transport={transport}
      theme={dark ? 'dark' : 'light'}
      urlPolicy={urlPolicy}
      // The signed-in agent, as the demo server's authorize() names them: their replies read "You" and
      // their own typing is never shown back to them.
      agentId="agent-sam"
    >
      <div className="app" data-theme={dark ? 'dark' : 'light'}>
        <header className="app-header">
          <strong className="app-brand">Acme Helpdesk</strong>
          <nav aria-label="Sections" className="app-nav">
            <button type="button" aria-pressed={view === 'inbox'} onClick={() => setView('inbox')}>
              Inbox
            </button>
            <button type="button" aria-pressed={view === 'channels'} onClick={() => setView('channels')}>
              Channels
            </button>
          </nav>
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
