/** The local web bridge over real HTTP: token, cookie, Host/Origin checks, limits, static files, SSE. */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { startBridge, type Bridge } from '../../../src-main/web';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let root: string;
let staticDir: string;
let ctx: AppContext;
let bridge: Bridge;

function request(
  pathAndQuery: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; host?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: opts.host ?? '127.0.0.1', port: bridge.port, path: pathAndQuery, method: opts.method ?? 'GET', headers: opts.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const auth = () => ({ authorization: `Bearer ${bridge.token}` });
const json = (r: Reply) => JSON.parse(r.body) as { ok: boolean; value?: unknown; error?: { code: string; message: string; where?: { field?: string } } };

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-bridge-'));
  staticDir = path.join(root, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Confiture</title><div id="root"></div>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  fs.writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET-OUTSIDE-STATIC');
  ctx = createContext({ mode: 'browser', dataDir: path.join(root, 'data') });
  bridge = await startBridge({ ctx, staticDir });
});

afterAll(async () => {
  await bridge?.close();
  await ctx?.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('token', () => {
  it.each(['/', '/api/call/app/info', '/assets/app.js'])('answers 401 to %s without a token', async (p) => {
    const r = await request(p, { method: p.startsWith('/api/') ? 'POST' : 'GET' });
    expect(r.status).toBe(401);
    expect(r.body).not.toContain('<div id="root">');
    expect(json(r).error?.code).toBe('unauthorized');
  });

  it.each(['/', '/api/call/app/info', '/assets/app.js'])('answers 403 to %s with a wrong token', async (p) => {
    const r = await request(p, { method: p.startsWith('/api/') ? 'POST' : 'GET', headers: { authorization: 'Bearer wrong-token' } });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('console.log');
  });

  it('answers 403 to a wrong token in the query and in the cookie', async () => {
    expect((await request('/?token=nope')).status).toBe(403);
    expect((await request('/', { headers: { cookie: 'confiture_token=nope' } })).status).toBe(403);
  });

  it('answers 403, not 500, to a malformed cookie', async () => {
    expect((await request('/', { headers: { cookie: 'confiture_token=%E0%A4%A' } })).status).toBe(403);
  });

  it('sets an HttpOnly SameSite=Strict cookie from ?token= and the cookie alone then works', async () => {
    const first = await request(`/?token=${bridge.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('<div id="root">');
    const setCookie = first.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const asset = await request('/assets/app.js', { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.body).toBe('console.log("app");');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    const api = await request('/api/call/app/info', { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(200);
    expect(json(api)).toMatchObject({ ok: true, value: { mode: 'browser' } });
  });

  it('accepts a Bearer token on the API', async () => {
    const r = await request('/api/call/app/info', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(200);
    expect(json(r).ok).toBe(true);
  });
});

describe('request checks', () => {
  it('refuses a foreign Host header (DNS rebinding) even with the token', async () => {
    const r = await request('/', { headers: { ...auth(), host: `evil.example:${bridge.port}` } });
    expect(r.status).toBe(403);
    expect(r.body).not.toContain('<div id="root">');
  });

  it('refuses a cross-origin POST even with the token', async () => {
    const r = await request('/api/call/app/info', { method: 'POST', headers: { ...auth(), origin: 'http://evil.example', 'content-type': 'application/json' }, body: '{}' });
    expect(r.status).toBe(403);
  });

  it('accepts a POST from its own origin', async () => {
    const r = await request('/api/call/app/info', { method: 'POST', headers: { ...auth(), origin: `http://127.0.0.1:${bridge.port}` }, body: '{}' });
    expect(r.status).toBe(200);
  });

  it('answers 400 invalid_input to a body that is not JSON', async () => {
    const r = await request('/api/call/app/info', { method: 'POST', headers: auth(), body: '{not json' });
    expect(r.status).toBe(400);
    expect(json(r).error?.code).toBe('invalid_input');
  });

  it('answers 413 to an oversized body', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024, 0x20);
    const r = await request('/api/call/app/info', { method: 'POST', headers: { ...auth(), 'content-length': String(big.length) }, body: big });
    expect(r.status).toBe(413);
    expect(json(r).error?.code).toBe('invalid_input');
  });

  it('returns validation errors as {ok:false,error:{code:invalid_input}} naming the field', async () => {
    const r = await request('/api/call/project/open', { method: 'POST', headers: auth(), body: JSON.stringify({ dir: 42 }) });
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'invalid_input', where: { field: 'dir' } } });
  });

  it('returns an unknown procedure as invalid_input', async () => {
    const r = await request('/api/call/nope/nothing', { method: 'POST', headers: auth(), body: '{}' });
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('answers 404 to an unknown API route', async () => {
    expect((await request('/api/other', { headers: auth() })).status).toBe(404);
  });
});

describe('static files', () => {
  it('serves the HTML with a strict CSP and no framing', async () => {
    const r = await request('/', { headers: auth() });
    expect(r.status).toBe(200);
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('falls back to index.html for client-side routes', async () => {
    const r = await request('/migrations/0001', { headers: auth() });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<div id="root">');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%2f%2e%2e%2fpackage.json', '/..%5csecret.txt'])(
    'does not escape the static dir with %s',
    async (p) => {
      const r = await request(p, { headers: auth() });
      expect(r.body).not.toContain('TOP-SECRET');
      expect(r.body).not.toContain('"devDependencies"');
      expect(r.status).not.toBe(500);
    },
  );

  it('answers 400, not 500, to a malformed percent-encoding', async () => {
    const r = await request('/assets/%E0%A4%A', { headers: auth() });
    expect(r.status).toBe(400);
  });

  it('refuses to write with POST on a static path', async () => {
    expect((await request('/', { method: 'POST', headers: auth() })).status).toBe(405);
  });
});

describe('network exposure', () => {
  it('listens on 127.0.0.1 only', async ({ skip }) => {
    expect(bridge.url.startsWith('http://127.0.0.1:')).toBe(true);
    const other = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (!other) skip('this machine has no non-loopback IPv4 address');
    const connected = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: other, port: bridge.port, timeout: 2000 });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
      s.once('timeout', () => (s.destroy(), resolve(false)));
    });
    expect(connected).toBe(false);
  });
});

describe('server-sent events', () => {
  it('streams an event published through ctx.streams', async () => {
    const input = encodeURIComponent(JSON.stringify({ connectionId: 'conn-1' }));
    const event = await new Promise<string>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: bridge.port, path: `/api/stream/demo/seedProgress?input=${input}`, headers: auth(), agent: false }, (res) => {
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe('text/event-stream');
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          if (buf.includes(': connected')) {
            ctx.streams.publish('demo/seedProgress', 'conn-1', { step: 'orders', table: 'orders', done: 5, total: 10, finished: false });
          }
          const m = /^data: (.*)$/m.exec(buf);
          if (m) {
            req.destroy();
            resolve(m[1]!);
          }
        });
      });
      req.on('error', (e) => (e.message.includes('aborted') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      setTimeout(() => reject(new Error('no event within 5 s')), 5000);
    });
    expect(JSON.parse(event)).toEqual({ step: 'orders', table: 'orders', done: 5, total: 10, finished: false });
    // the subscription ends when the browser disconnects
    for (let i = 0; i < 20 && ctx.streams.subscriberCount('demo/seedProgress', 'conn-1') > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(ctx.streams.subscriberCount('demo/seedProgress', 'conn-1')).toBe(0);
  });

  it('reports an unknown stream as a failure event', async () => {
    const r = await request('/api/stream/nope/never', { headers: auth() });
    expect(r.body).toMatch(/event: failure/);
    expect(r.body).toContain('invalid_input');
  });

  it('requires the token for streams', async () => {
    expect((await request('/api/stream/demo/seedProgress?input=%7B%7D')).status).toBe(401);
  });
});

describe('SQL in a request', () => {
  const analyze = (sql: string) =>
    request('/api/call/locks/analyze', { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify({ sql, pgVersion: 16 }) });

  it('refuses a NUL byte with its line and column instead of analysing the text before it', async () => {
    const r = await analyze('CREATE INDEX i ON orders (a);\n\0DROP TABLE orders;');
    expect(r.status).toBe(200);
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'parse_error', where: { line: 2, column: 1 } } });
    expect(json(r).error!.message).toContain('a NUL byte');
  });

  it('refuses an unpaired surrogate, which JSON can carry but PostgreSQL cannot', async () => {
    const r = await analyze("SELECT '\uD800';");
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'parse_error', where: { line: 1, column: 9 } } });
  });

  it('refuses absurd nesting as parse_error rather than crashing the engine', async () => {
    const r = await analyze('SELECT ' + 'ARRAY['.repeat(2000) + '1' + ']'.repeat(2000));
    expect(json(r)).toMatchObject({ ok: false, error: { code: 'parse_error' } });
    expect(json(r).error!.message).toContain('nested more than 1000 levels deep');
    // and the engine still answers
    expect(json(await analyze('CREATE INDEX i ON orders (a)'))).toMatchObject({ ok: true });
  });
});
