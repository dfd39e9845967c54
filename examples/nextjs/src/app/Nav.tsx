'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** The host's sections (labelled by the server layout); the current one is marked for assistive technology. */
export function Nav({ sections }: { sections: ReadonlyArray<{ href: string; label: string }> }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Sections" style={{ display: 'flex', gap: 12 }}>
      {sections.map(({ href, label }) => (
        <Link
          key={href}
          href={href}
          aria-current={pathname === href ? 'page' : undefined}
          style={{ fontWeight: pathname === href ? 600 : 400 }}
        >
          {label}
        </Link>
      ))}
      {/* The demo's other side: the emulator's chat page, where you write as a customer. */}
      <a href="/demo/chat" target="_blank" rel="noopener">
        Customer chat
      </a>
    </nav>
  );
}
