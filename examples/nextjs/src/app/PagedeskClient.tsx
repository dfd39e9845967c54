'use client';

import { httpTransport, Inbox, PagedeskProvider } from '@pagedesk/react';
import { useMemo } from 'react';

// The client wrapper: a transport holds functions, so it is created here, in a client module, and the
// server page renders this component.
const transport = httpTransport({ baseUrl: '/api/pagedesk' });

export function PagedeskClient() {
  // The emulator serves attachments over http://127.0.0.1; production attachments are always https.
  const urlPolicy = useMemo(() => ({ allowLocalHttp: true }), []);
  return (
    <PagedeskProvider transport={transport} urlPolicy={urlPolicy}>
      <Inbox />
    </PagedeskProvider>
  );
}
