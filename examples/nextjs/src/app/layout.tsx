import '@pagedesk/react/styles.css';
import type { ReactNode } from 'react';

export const metadata = { title: 'Acme Helpdesk (Next.js)' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body style={{ margin: 0, height: '100vh' }}>{children}</body>
    </html>
  );
}
