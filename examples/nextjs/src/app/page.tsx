import { defaultMessages } from '@pagedesk/react';
import { PagedeskClient } from './PagedeskClient';

// A server component: the kit's pure helpers (strings, query keys, URL rules) are real values here; the
// inbox itself is the client wrapper.
export const dynamic = 'force-dynamic';

export default function Page() {
  return (
    <main style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <header style={{ padding: '8px 16px', borderBottom: '1px solid #ddd' }}>
        <strong>Acme Helpdesk</strong> · {defaultMessages.inbox.label}
      </header>
      <div style={{ flex: 1, minHeight: 0 }}>
        <PagedeskClient />
      </div>
    </main>
  );
}
