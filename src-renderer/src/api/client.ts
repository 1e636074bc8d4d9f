import { useEffect, useState } from 'react';
import { createClient, ClientError, type Client } from '../../../src-shared/client';
import type { ErrorValue } from '../../../src-shared/errors';
import type { EventOf, StreamInputOf, StreamName } from '../../../src-shared/contract';
import { detectTransport } from './transport';

const detected = detectTransport();
/** The one typed client of this window: `client.api.project.open({ dir })`. */
export const client: Client = createClient(detected.transport);
export const transportMode = detected.mode;

export function useClient(): Client {
  return client;
}

/** Turns whatever a query threw into an ErrorValue for display. */
export function errorValue(e: unknown): ErrorValue {
  if (e instanceof ClientError) return e.error;
  return { code: 'internal', message: e instanceof Error ? e.message : String(e) };
}

/**
 * Subscribes to a stream while the component is mounted; keeps the last `keep` events.
 * Pass `input = null` to stay unsubscribed.
 */
export function useStream<S extends StreamName>(name: S, input: StreamInputOf<S> | null, keep = 500): { events: EventOf<S>[]; error: ErrorValue | null } {
  const [events, setEvents] = useState<EventOf<S>[]>([]);
  const [error, setError] = useState<ErrorValue | null>(null);
  const key = input === null ? null : JSON.stringify(input);
  useEffect(() => {
    if (key === null) return undefined;
    setEvents([]);
    setError(null);
    return client.subscribe(
      name,
      JSON.parse(key) as StreamInputOf<S>,
      (e) => setEvents((prev) => (prev.length >= keep ? [...prev.slice(prev.length - keep + 1), e] : [...prev, e])),
      (err) => setError(err),
    );
  }, [name, key, keep]);
  return { events, error };
}
