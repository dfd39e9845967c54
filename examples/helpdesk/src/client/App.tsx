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

/** "(3) Acme Helpdesk": unread messages in the tab title, so a background tab shows new work. */
function UnreadTitle() {
  const { conversations, hasMore } = useConversations({ unread: true });
  const unread = conversations.reduce((sum, c) => sum + c.unreadCount, 0);
  useEffect(() => {
    document.title = unread > 0 ? `(${unread}${hasMore ? '+' : ''}) Acme Helpdesk` : 'Acme Helpdesk';
  }, [unread, hasMore]);
  return null;
}

export function App() {
  const [view, setView] = useState<'inbox' | 'channels'>('inbox');
  const [theme, setTheme, shown] = useTheme();
  return (
    <PagedeskProvider
      transport={transport}
      theme={theme}
      urlPolicy={urlPolicy}
      // The signed-in agent, as the demo server's authorize() names them: their replies read "You" and
      // their own typing is never shown back to them.
      agentId="agent-sam"
    >
      <UnreadTitle />
      <div className="app" data-theme={shown}>
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
