/**
 * The default `setTimer` of the server modules: `setTimeout`, unref'd so a pending retry or check
 * never keeps a process alive; returns the cancel function the injectable timers share.
 */
export function unrefTimer(callback: () => void, ms: number): () => void {
  const handle = setTimeout(callback, ms);
  handle.unref?.();
  return () => clearTimeout(handle);
}
