'use client';

import { type ComponentType, lazy, type ReactNode, Suspense } from 'react';

/** A component whose code loads when it first renders, or earlier through `preload()`. */
export interface LazyPart<TProps> {
  (props: TProps): ReactNode;
  /**
   * Starts loading the code (once): call it on hover or focus of what opens the part. A failed load
   * surfaces when the part renders.
   */
  preload: () => void;
}

/**
 * Wraps a component of another module so the bundle that renders it loads that module only when the
 * part first shows: `React.lazy` inside its own `<Suspense>`, so a host needs no boundary of its own.
 * `fallback` stands in while the code loads (nothing by default; a styled placeholder where a blank
 * would make the layout jump). A failed load throws to the nearest error boundary, like any lazy
 * chunk, and the next render or `preload()` tries again.
 */
export function lazyPart<TProps extends object>(
  name: string,
  load: () => Promise<ComponentType<TProps>>,
  fallback: (props: TProps) => ReactNode = () => null,
): LazyPart<TProps> {
  let loading: Promise<{ default: ComponentType<TProps> }> | undefined;
  // React 18's types wrap a lazy component's props in PropsWithRef, which a generic TProps cannot
  // satisfy; at run time it takes exactly the wrapped component's props.
  const lazyComponent = (): ComponentType<TProps> => lazy(preload) as unknown as ComponentType<TProps>;
  const preload = (): Promise<{ default: ComponentType<TProps> }> => {
    loading ??= load().then(
      (component) => ({ default: component }),
      (error: unknown) => {
        // React.lazy keeps a rejected load for good: a fresh one lets the next render try again.
        loading = undefined;
        Inner = lazyComponent();
        throw error;
      },
    );
    return loading;
  };
  let Inner = lazyComponent();
  // biome-ignore lint/correctness/noComponentHookFactories: called once per part, at module level
  function Part(props: TProps): ReactNode {
    return (
      <Suspense fallback={fallback(props)}>
        <Inner {...props} />
      </Suspense>
    );
  }
  Part.displayName = `Lazy(${name})`;
  return Object.assign(Part, {
    preload: () => {
      preload().catch(() => undefined);
    },
  });
}
