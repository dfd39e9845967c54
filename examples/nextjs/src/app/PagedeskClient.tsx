'use client';

import { httpTransport, PagedeskProvider } from '@pagedesk/react';
import type { ReactNode } from 'react';

// The host's own client wrapper: a transport holds functions, so it is created here, in a client module,
// and the (server) root layout renders this component around every page. Being in the layout, one
// provider (one cache, one event stream) serves the inbox and the channel settings across navigations.
const transport = httpTransport({ baseUrl: '/api/pagedesk' });
// The emulator serves attachments over http://127.0.0.1; production attachments are always https.
const urlPolicy = { allowLocalHttp: true };

export function PagedeskClient({ children }: { children: ReactNode }) {
  return (
    <PagedeskProvider transport={transport} urlPolicy={urlPolicy}>
      {children}
    </PagedeskProvider>
  );
}
