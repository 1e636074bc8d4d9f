/**
 * How the renderer reaches the engine: the Electron preload's narrow API when present,
 * otherwise the local web bridge (same origin; the HttpOnly cookie carries the token).
 */
import type { ErrorValue, Result } from '../../../src-shared/errors';
import type { Transport } from '../../../src-shared/client';

export interface PreloadApi {
  call(name: string, input: unknown): Promise<Result<unknown>>;
  subscribe(name: string, input: unknown, onEvent: (event: unknown) => void, onError: (error: ErrorValue) => void): () => void;
}

declare global {
  interface Window {
    confiture?: PreloadApi;
  }
}

/**
 * Browser mode: the bridge's token arrives once in the URL (`?token=`); from then on the HttpOnly
 * cookie it set carries the session. Take the token out of the address bar and of this history
 * entry, so it is not shown, bookmarked or shared with a screenshot.
 */
export function dropTokenFromAddressBar(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(window.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

function unreachable(message: string): ErrorValue {
  return { code: 'connection_error', message };
}

export const webTransport: Transport = {
  async call(name, input) {
    let res: Response;
    try {
      res = await fetch(`/api/call/${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
        credentials: 'same-origin',
      });
    } catch {
      return { ok: false, error: unreachable('The Confiture engine is not reachable. Is `confiture serve` still running?') };
    }
    try {
      return (await res.json()) as Result<unknown>;
    } catch {
      return { ok: false, error: unreachable(`The engine answered HTTP ${res.status} without a result`) };
    }
  },
  subscribe(name, input, onEvent, onError) {
    const url = `/api/stream/${encodeURIComponent(name)}?input=${encodeURIComponent(JSON.stringify(input ?? {}))}`;
    const source = new EventSource(url, { withCredentials: true });
    source.onmessage = (m) => onEvent(JSON.parse(m.data as string));
    source.addEventListener('failure', (m) => {
      onError(JSON.parse((m as MessageEvent).data as string) as ErrorValue);
      source.close();
    });
    return () => source.close();
  },
};

export function detectTransport(): { transport: Transport; mode: 'electron' | 'browser' } {
  if (typeof window !== 'undefined' && window.confiture) {
    const api = window.confiture;
    return { transport: { call: (n, i) => api.call(n, i), subscribe: (n, i, e, err) => api.subscribe(n, i, e, err) }, mode: 'electron' };
  }
  return { transport: webTransport, mode: 'browser' };
}
