/** A real HTTP receiver on 127.0.0.1 (random port) that records what hooks send. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export type Responder = (req: Received, n: number) => { status: number; body?: string; contentType?: string; delayMs?: number };

export interface Receiver {
  url: string;
  received: Received[];
  /** requests whose connection closed before we answered (aborted by the client) */
  aborted: number;
  respond(r: Responder): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  let responder: Responder = () => ({ status: 200, body: 'ok' });
  const received: Received[] = [];
  const state = { aborted: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep text
      }
      const r: Received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      received.push(r);
      const answer = responder(r, received.length);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain' });
        res.end(answer.body ?? '');
      };
      if (answer.delayMs) {
        const t = setTimeout(send, answer.delayMs);
        res.on('close', () => {
          if (!res.writableEnded) {
            state.aborted++;
            clearTimeout(t);
          }
        });
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get aborted() {
      return state.aborted;
    },
    respond(r) {
      responder = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
