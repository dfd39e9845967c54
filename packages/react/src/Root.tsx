'use client';

import { createContext, type HTMLAttributes, type ReactNode, useContext } from 'react';
import { usePagedeskContext } from './context.js';

const InsideRoot = createContext(false);

/**
 * The `.pd-root` scope every styled rule hangs under, with the provider's theme. Nested Pagedesk
 * components reuse the outer root, so a host can place them anywhere without double scoping.
 */
export function PagedeskRoot({ className, children, ...rest }: HTMLAttributes<HTMLDivElement>): ReactNode {
  const inside = useContext(InsideRoot);
  const { theme } = usePagedeskContext('PagedeskRoot');
  if (inside)
    return (
      <div className={className} {...rest}>
        {children}
      </div>
    );
  return (
    <InsideRoot.Provider value={true}>
      <div className={`pd-root${className ? ` ${className}` : ''}`} data-theme={theme} {...rest}>
        {children}
      </div>
    </InsideRoot.Provider>
  );
}

/** Default empty/placeholder state; replace through `components.EmptyState`. */
export function DefaultEmptyState({ children }: { kind: string; children: ReactNode }): ReactNode {
  return <div className="pd-empty">{children}</div>;
}

/** The host's replacement for a part, or the default. */
export function useSlot<
  TKey extends 'ConversationItem' | 'MessageBubble' | 'Attachment' | 'EmptyState',
  TDefault,
>(
  key: TKey,
  fallback: TDefault,
): NonNullable<ReturnType<typeof usePagedeskContext>['components'][TKey]> | TDefault {
  const { components } = usePagedeskContext('useSlot');
  return components[key] ?? fallback;
}
