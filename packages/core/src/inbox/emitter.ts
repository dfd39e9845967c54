// The inbox's listeners: a few lines instead of an event-emitter dependency in the browser bundle.
// Lists are copied on change, so a listener that unsubscribes during an emit does not skip another.

type Listener = (payload: never) => void;

export class Emitter {
  private readonly listeners = new Map<string, Listener[]>();

  on(event: string, listener: Listener): () => void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    let on = true;
    return () => {
      if (!on) return;
      on = false;
      const list = this.listeners.get(event) ?? [];
      const at = list.indexOf(listener);
      if (at >= 0) this.listeners.set(event, [...list.slice(0, at), ...list.slice(at + 1)]);
    };
  }

  has(event: string): boolean {
    return (this.listeners.get(event)?.length ?? 0) > 0;
  }

  /** Calls every listener of `event`; returns what they threw, so one bad listener hides nothing. */
  emit(event: string, payload: unknown): unknown[] {
    const thrown: unknown[] = [];
    for (const listener of this.listeners.get(event) ?? []) {
      try {
        (listener as (p: unknown) => void)(payload);
      } catch (error) {
        thrown.push(error);
      }
    }
    return thrown;
  }
}
