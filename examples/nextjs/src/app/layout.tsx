import '@pagedesk/react/styles.css';
import { defaultStrings } from '@pagedesk/react';
import type { ReactNode } from 'react';
import { Nav } from './Nav';
import { PagedeskClient } from './PagedeskClient';

export const metadata = { title: 'Acme Helpdesk (Next.js)' };

// A server component: the kit's pure helpers (strings, query keys, URL rules) are real values here (the
// section labels come from `defaultStrings`), and the provider is the host's client wrapper around
// every page.
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, height: '100vh' }}>
        <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
          <header
            style={{
              display: 'flex',
              alignItems: 'center',
              gap: 24,
              padding: '8px 16px',
              borderBottom: '1px solid #ddd',
            }}
          >
            <strong>Acme Helpdesk</strong>
            <Nav
              sections={[
                { href: '/', label: defaultStrings.inbox.label },
                { href: '/channels', label: defaultStrings.channels.label },
              ]}
            />
          </header>
          <main style={{ flex: 1, minHeight: 0, overflow: 'auto' }}>
            <PagedeskClient>{children}</PagedeskClient>
          </main>
        </div>
      </body>
    </html>
  );
}
