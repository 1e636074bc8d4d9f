/**
 * The preload: exposes ONE narrow, typed API (`window.confiture`) over the MessagePort the main
 * process hands this window. No ipcRenderer pass-through; the renderer never sees Node.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ErrorValue, Result } from '../../src-shared/errors';

type Pending = { resolve: (r: Result<unknown>) => void };
type Sub = { onEvent: (e: unknown) => void; onError: (e: ErrorValue) => void };

let port: MessagePort | null = null;
let nextId = 1;
const pending = new Map<number, Pending>();
const subs = new Map<number, Sub>();
const queue: unknown[] = [];

function post(message: unknown): void {
  if (port) port.postMessage(message);
  else queue.push(message);
}

ipcRenderer.on('engine-port', (event) => {
  const [p] = event.ports;
  if (!p) return;
  port = p;
  port.onmessage = (m: MessageEvent) => {
    const msg = m.data as { id: number; type: string; result?: Result<unknown>; event?: unknown; error?: ErrorValue };
    if (msg.type === 'result') {
      pending.get(msg.id)?.resolve(msg.result!);
      pending.delete(msg.id);
    } else if (msg.type === 'event') subs.get(msg.id)?.onEvent(msg.event);
    else if (msg.type === 'stream-error') subs.get(msg.id)?.onError(msg.error!);
  };
  port.start();
  for (const q of queue.splice(0)) port.postMessage(q);
  // a respawned engine: calls in flight are lost, say so
  for (const [id, p2] of pending) {
    p2.resolve({ ok: false, error: { code: 'internal', message: 'The engine restarted; please retry' } });
    pending.delete(id);
  }
});

contextBridge.exposeInMainWorld('confiture', {
  call(name: string, input: unknown): Promise<Result<unknown>> {
    if (typeof name !== 'string') return Promise.resolve({ ok: false, error: { code: 'invalid_input', message: 'name must be a string' } });
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      post({ id, type: 'call', name, input });
    });
  },
  subscribe(name: string, input: unknown, onEvent: (e: unknown) => void, onError: (e: ErrorValue) => void): () => void {
    // the page is ours, but this object is its only door: refuse what the engine could not route
    if (typeof name !== 'string' || typeof onEvent !== 'function' || typeof onError !== 'function') {
      if (typeof onError === 'function') onError({ code: 'invalid_input', message: 'subscribe(name: string, input, onEvent: function, onError: function)' });
      return () => undefined;
    }
    const id = nextId++;
    subs.set(id, { onEvent, onError });
    post({ id, type: 'subscribe', name, input });
    return () => {
      subs.delete(id);
      post({ id, type: 'unsubscribe' });
    };
  },
});
