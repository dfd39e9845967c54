import { Inbox } from '@pagedesk/react';

// The inbox. `<Inbox>` takes no function props, so this server component renders it directly; the
// provider above it is the layout's client wrapper.
export const dynamic = 'force-dynamic';

export default function InboxPage() {
  return <Inbox />;
}
