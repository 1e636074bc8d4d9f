/**
 * The local web bridge (browser mode): the same router over HTTP + Server-Sent Events.
 * - binds to 127.0.0.1 only;
 * - a random per-launch token is required on every request, the page included
 *   (`?token=` on first load sets an HttpOnly SameSite=Strict cookie; API clients may send
 *   `Authorization: Bearer <token>`). No token → 401, wrong token → 403;
 * - the Host header must be the loopback address (DNS-rebinding defence), and a POST's
 *   Origin, when present, must be ours (CSRF defence);
 * - request bodies are capped and validated by the router like any IPC input.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AppContext } from '../context';
import { createRouter, type Router } from '../ipc/router';
import { childLogger } from '../logging';

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

const MAX_BODY = 2 * 1024 * 1024;
const COOKIE = 'confiture_token';

export interface BridgeOptions {
  ctx: AppContext;
  staticDir: string;
  port?: number;
  token?: string;
}

export interface Bridge {
  url: string;
  /** the URL with the token, to open in a browser */
  urlWithToken: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** decodeURIComponent that returns null instead of throwing on a malformed escape. */
function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

function badEncoding(res: http.ServerResponse): void {
  send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'The request path holds a malformed %-escape' } });
}

function readCookie(req: http.IncomingMessage, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return safeDecode(v.join('=')) ?? v.join('=');
  }
  return undefined;
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const token = opts.token ?? crypto.randomBytes(24).toString('base64url');
  const router: Router = createRouter(opts.ctx);
  const log = childLogger({ service: 'web-bridge' });
  const staticDir = path.resolve(opts.staticDir);
  let port = 0;

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      const status = (e as { status?: number }).status ?? 500;
      if (!res.headersSent) send(res, status, { ok: false, error: { code: status === 413 ? 'invalid_input' : 'internal', message: (e as Error).message } });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      send(res, 403, { ok: false, error: { code: 'unauthorized', message: 'This bridge only answers to 127.0.0.1' } });
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const auth = req.headers.authorization;
    const presented = url.searchParams.get('token') ?? (auth?.startsWith('Bearer ') ? auth.slice(7) : undefined) ?? readCookie(req, COOKIE);
    if (!presented) {
      send(res, 401, { ok: false, error: { code: 'unauthorized', message: 'A token is required: open the URL printed by `confiture serve`' } });
      return;
    }
    if (!safeEqual(presented, token)) {
      send(res, 403, { ok: false, error: { code: 'unauthorized', message: 'Wrong token' } });
      return;
    }
    const cookie = `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;

    if (url.pathname.startsWith('/api/')) {
      const origin = req.headers.origin;
      if (origin && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
        send(res, 403, { ok: false, error: { code: 'unauthorized', message: 'Cross-origin requests are refused' } });
        return;
      }
      if (req.method === 'POST' && url.pathname.startsWith('/api/call/')) {
        const name = safeDecode(url.pathname.slice('/api/call/'.length));
        if (name === null) return badEncoding(res);
        const body = await readBody(req);
        let input: unknown;
        try {
          input = body.length ? JSON.parse(body) : {};
        } catch {
          send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'The request body is not valid JSON' } });
          return;
        }
        const result = await router.call(name, input);
        send(res, 200, result);
        return;
      }
      if (req.method === 'GET' && url.pathname.startsWith('/api/stream/')) {
        const name = safeDecode(url.pathname.slice('/api/stream/'.length));
        if (name === null) return badEncoding(res);
        let input: unknown;
        try {
          input = JSON.parse(url.searchParams.get('input') ?? '{}');
        } catch {
          send(res, 400, { ok: false, error: { code: 'invalid_input', message: 'The input query parameter is not valid JSON' } });
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        const sub = router.subscribe(name, input, (event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
        if (!sub.ok) {
          res.write(`event: failure\ndata: ${JSON.stringify(sub.error)}\n\n`);
          res.end();
          return;
        }
        const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
        req.on('close', () => {
          clearInterval(ping);
          sub.value();
        });
        return;
      }
      send(res, 404, { ok: false, error: { code: 'not_found', message: `No API route ${req.method} ${url.pathname}` } });
      return;
    }

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed');
      return;
    }
    // static files of the renderer; unknown paths fall back to index.html (client routing)
    const decoded = safeDecode(url.pathname);
    if (decoded === null || decoded.includes('\0')) return badEncoding(res);
    const rel = decoded.replace(/^\/+/, '');
    let file = path.resolve(staticDir, rel || 'index.html');
    if (!file.startsWith(staticDir + path.sep) && file !== staticDir) {
      send(res, 403, 'forbidden');
      return;
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) file = path.join(staticDir, 'index.html');
    const ext = path.extname(file);
    const headers: Record<string, string> = {
      'content-type': MIME[ext] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': ext === '.html' ? 'no-store' : 'private, max-age=3600',
    };
    if (ext === '.html') {
      // the scanner evaluates only literal policies: CSP is checked with its evaluator in tests/unit/desktop
      headers['content-security-policy'] = CSP; // eng-disable CSP_GLOBAL_CHECK
      headers['x-frame-options'] = 'DENY';
      headers['set-cookie'] = cookie;
    }
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).pipe(res);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  log.info({ port }, 'web bridge listening on loopback');
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
