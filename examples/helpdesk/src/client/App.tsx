import {
  ChannelSettings,
  httpTransport,
  Inbox,
  PagedeskProvider,
  type PagedeskTheme,
  useConversations,
} from '@pagedesk/react';
import { useEffect, useState } from 'react';

// The whole agent app: Pagedesk's inbox and channel settings under the host's own header. The host
// styles the kit only through its --pd-* theme variables (app.css).
const transport = httpTransport({ baseUrl: '/api' });
// The local emulator serves attachments over http://127.0.0.1; production attachments are always https.
const urlPolicy = { allowLocalHttp: ['localhost', '127.0.0.1', '[::1]'].includes(window.location.hostname) };
const THEMES: PagedeskTheme[] = ['system', 'light', 'dark'];
const THEME_KEY = 'acme-helpdesk:theme';

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

/** The agent's theme choice, remembered in this browser; "system" follows the operating system. */
function useTheme(): [PagedeskTheme, (theme: PagedeskTheme) => void, 'light' | 'dark'] {
  const [theme, setTheme] = useState<PagedeskTheme>(() => {
    const saved = localStorage.getItem(THEME_KEY);
    return THEMES.includes(saved as PagedeskTheme) ? (saved as PagedeskTheme) : 'system';
  });
  const [query] = useState(() => window.matchMedia('(prefers-color-scheme: dark)'));
  const [systemDark, setSystemDark] = useState(query.matches);
  useEffect(() => {
    const onChange = (event: MediaQueryListEvent) => setSystemDark(event.matches);
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, [query]);
  const choose = (next: PagedeskTheme) => {
    localStorage.setItem(THEME_KEY, next);
    setTheme(next);
  };
  return [theme, choose, theme === 'system' ? (systemDark ? 'dark' : 'light') : theme];
}

/** "(3) Acme Outdoor": unread messages in the tab title, so a background tab shows new work. */
function UnreadTitle({ name }: { name: string }) {
  const { conversations, hasMore } = useConversations({ unread: true });
  const unread = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}${hasMore ? '+' : ''}) ${name}` : name;
  }, [unread, hasMore, name]);
  return null;
}

export function App() {
  const [view, setView] = useState<'inbox' | 'channels'>('inbox');
  const [theme, setTheme, shown] = useTheme();
  const { session, signInAs } = useDemoSession();
  if (!session) return null;
  const current = session.agents.find((a) => a.id === session.current);
  return (
    // A new key per agent: a fresh cache and event stream for whoever signs in.
    <PagedeskProvider
      key={current?.id ?? 'nobody'}
      transport={transport}
      theme={theme}
      urlPolicy={urlPolicy}
      {...(current ? { agentId: current.id } : {})}
    >
      <UnreadTitle name={current?.organization ?? 'Helpdesk'} />
      <div className="app" data-theme={shown}>
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
          <label className="app-theme">
            Theme{' '}
            <select value={theme} onChange={(e) => setTheme(e.target.value as PagedeskTheme)}>
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </label>
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
