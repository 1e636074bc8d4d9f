/** Serves the router over one MessagePort-like channel (a window's port in the worker). */
import type { Router } from './router';
import { isPortRequest, type PortResponse } from './port-protocol';

export interface PortLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  start(): void;
}

export function servePort(port: PortLike, router: Router): void {
  const subs = new Map<number, () => void>();
  const send = (m: PortResponse) => port.postMessage(m);
  port.on('message', (e) => {
    const msg = e.data;
    if (!isPortRequest(msg)) return; // ignore anything that is not our protocol
    if (msg.type === 'call') {
      void router.call(msg.name, msg.input).then((result) => send({ id: msg.id, type: 'result', result }));
    } else if (msg.type === 'subscribe') {
      const r = router.subscribe(msg.name, msg.input, (event) => send({ id: msg.id, type: 'event', event }));
      if (r.ok) subs.set(msg.id, r.value);
      else send({ id: msg.id, type: 'stream-error', error: r.error });
    } else {
      subs.get(msg.id)?.();
      subs.delete(msg.id);
    }
  });
  port.on('close', () => {
    for (const off of subs.values()) off();
    subs.clear();
  });
  port.start();
}
