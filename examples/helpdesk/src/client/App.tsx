import {
  ChannelSettings,
  httpTransport,
  Inbox,
  PagedeskProvider,
  type PagedeskTheme,
  useNotifications,
} from '@pagedesk/react';
import { useEffect, useState } from 'react';
import { DEMO_BOT } from '../server/demoBot.js';
import { LOGIN_MESSAGE } from '../server/loginMessage.js';

// The whole agent app: Pagedesk's inbox and channel settings under the host's own header. The host
// styles the kit only through its --pd-* theme variables (app.css).
const transport = httpTransport({ baseUrl: '/api' });
// The local emulator serves attachments over http://127.0.0.1; production attachments are always https.
const urlPolicy = { allowLocalHttp: ['localhost', '127.0.0.1', '[::1]'].includes(window.location.hostname) };
const THEMES: PagedeskTheme[] = ['system', 'light', 'dark'];
const THEME_KEY = 'acme-helpdesk:theme';

/** What the login routes tell the app: a notice to show (src/server/logins.ts). */
type Notice = { kind: 'error' | 'done'; text: string } | null;

/**
 * Facebook Login through the server (src/server/logins.ts): a popup walks the login dialog and the
 * server's callback, which keeps the user token and posts back only an opaque grant. The grant is what
 * `<ChannelSettings>` hands to the inbox API's connect routes, whose `userToken` hook swaps it back.
 */
function facebookLogin(onError: (text: string) => void): Promise<string | null> {
  // Opened right in the click handler, so the browser allows the popup.
  const popup = window.open('/auth/facebook/start', 'pagedesk-facebook-login', 'popup,width=640,height=720');
  if (!popup) {
    onError('The browser blocked the Facebook Login window: allow pop-ups for this site and try again.');
    return Promise.resolve(null);
  }
  return new Promise((resolve) => {
    let settled = false;
    const settle = (grant: string | null) => {
      if (settled) return;
      settled = true;
      window.removeEventListener('message', onMessage);
      window.clearInterval(watch);
      resolve(grant);
    };
    const onMessage = (event: MessageEvent) => {
      const data = event.data as { source?: unknown; grant?: unknown; error?: unknown } | null;
      if (event.origin !== window.location.origin || event.source !== popup) return;
      if (data?.source !== LOGIN_MESSAGE) return;
      if (typeof data.error === 'string') onError(data.error);
      settle(typeof data.grant === 'string' ? data.grant : null);
    };
    window.addEventListener('message', onMessage);
    // Closed without an answer: the admin shut the window. A moment's grace lets a posted answer land.
    const watch = window.setInterval(() => {
      if (!popup.closed) return;
      window.clearInterval(watch);
      window.setTimeout(() => settle(null), 500);
    }, 500);
  });
}

/** The notice the Instagram Login callback left in the address (`?connected=` or `?login_error=`). */
function noticeFromAddress(): { view: 'inbox' | 'channels'; notice: Notice } {
  const params = new URLSearchParams(window.location.search);
  const error = params.get('login_error');
  const connected = params.get('connected');
  if (params.has('view')) window.history.replaceState(null, '', window.location.pathname);
  return {
    view: params.get('view') === 'channels' ? 'channels' : 'inbox',
    notice: error
      ? { kind: 'error', text: error }
      : connected
        ? { kind: 'done', text: `Connected ${connected}.` }
        : null,
  };
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

// A URL per conversation: /c/<id>. The server answers every unknown path with the app, so a reload or
// a shared link opens that conversation; Back and Forward move between the conversations opened.
const CONVERSATION_PATH = /^\/c\/([^/]+)\/?$/;

function conversationInAddress(): string | null {
  const id = CONVERSATION_PATH.exec(window.location.pathname)?.[1];
  if (!id) return null;
  try {
    return decodeURIComponent(id);
  } catch {
    return null;
  }
}

/** The open conversation, kept in the address with the History API (`<Inbox selectedId onSelect>`). */
function useConversationAddress(): [string | null, (id: string | null) => void] {
  const [selected, setSelected] = useState(conversationInAddress);
  useEffect(() => {
    const onPopState = () => setSelected(conversationInAddress());
    window.addEventListener('popstate', onPopState);
    return () => window.removeEventListener('popstate', onPopState);
  }, []);
  const select = (id: string | null) => {
    if (id === conversationInAddress()) return;
    window.history.pushState(null, '', id ? `/c/${encodeURIComponent(id)}` : '/');
    setSelected(id);
  };
  return [selected, select];
}

/**
 * "(3) Acme Outdoor": unread messages in the tab title, and a browser notification for each customer
 * message while the tab is in the background (a click opens its conversation). The browser asks for
 * permission only when the agent clicks "Enable notifications".
 */
function Notifications({ name, onOpen }: { name: string; onOpen: (conversationId: string) => void }) {
  useEffect(() => {
    document.title = name;
  }, [name]);
  const { permission, requestPermission } = useNotifications({ onClick: onOpen });
  if (permission === 'default')
    return (
      <button type="button" className="app-notify" onClick={() => void requestPermission()}>
        Enable notifications
      </button>
    );
  return permission === 'denied' ? <span className="app-notify">Notifications blocked</span> : null;
}

/** The Channels view: the host's "Connect an Instagram account" and notices, then the kit's settings. */
function Channels({
  admin,
  notice,
  onNotice,
}: {
  admin: boolean;
  notice: Notice;
  onNotice: (n: Notice) => void;
}) {
  const login = () => {
    onNotice(null);
    return facebookLogin((text) => onNotice({ kind: 'error', text }));
  };
  return (
    <>
      {notice ? (
        <p
          className={`app-notice app-notice-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
        >
          {notice.text}
        </p>
      ) : null}
      {admin ? (
        <p className="app-connect">
          {/* A plain link: Instagram Login runs in this tab and its callback brings the admin back. */}
          <a className="pd-button" href="/auth/instagram/start">
            Connect an Instagram account
          </a>
        </p>
      ) : null}
      {/* Only an admin may connect: an agent sees the channels without the connect buttons. */}
      <ChannelSettings {...(admin ? { onConnect: login, onReauthorize: login } : {})} />
    </>
  );
}

/** "Connect a Facebook page" instead of the kit's generic "Connect a page"; the bot by its name. */
const strings = {
  channels: { connect: 'Connect a Facebook page' },
  routing: { bot: (appId: string) => (appId === DEMO_BOT.appId ? DEMO_BOT.name : `Another app (${appId})`) },
};

export function App() {
  const [initial] = useState(noticeFromAddress);
  const [view, setView] = useState<'inbox' | 'channels'>(initial.view);
  const [notice, setNotice] = useState<Notice>(initial.notice);
  const [theme, setTheme, shown] = useTheme();
  const [selected, select] = useConversationAddress();
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
      strings={strings}
      {...(current ? { agentId: current.id } : {})}
    >
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
            <select
              value={current?.id ?? ''}
              onChange={(event) => {
                select(null);
                signInAs(event.target.value);
              }}
            >
              {session.agents.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name} ({agent.organization}, {agent.role})
                </option>
              ))}
            </select>
          </label>
          <Notifications
            name={current?.organization ?? 'Helpdesk'}
            onOpen={(conversationId) => {
              setView('inbox');
              select(conversationId);
            }}
          />
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
            <Inbox selectedId={selected} onSelect={select} />
          ) : (
            <Channels admin={current?.role === 'admin'} notice={notice} onNotice={setNotice} />
          )}
        </main>
      </div>
    </PagedeskProvider>
  );
}
