/**
 * In-process publish/subscribe keyed by stream name and a topic (run id, connection id...).
 * Services publish; transports subscribe on behalf of a window or a browser tab.
 */
type Listener = (event: unknown) => void;

export class StreamHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  private key(stream: string, topic: string): string {
    return `${stream}\u0000${topic}`;
  }

  publish(stream: string, topic: string, event: unknown): void {
    const set = this.listeners.get(this.key(stream, topic));
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(event);
      } catch {
        // a broken subscriber must not break the publisher
      }
    }
  }

  subscribe(stream: string, topic: string, listener: Listener): () => void {
    const k = this.key(stream, topic);
    let set = this.listeners.get(k);
    if (!set) this.listeners.set(k, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(k);
    };
  }

  subscriberCount(stream: string, topic: string): number {
    return this.listeners.get(this.key(stream, topic))?.size ?? 0;
  }
}
