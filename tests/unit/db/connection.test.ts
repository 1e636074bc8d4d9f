import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfitureError } from '../../../src-main/errors';
import { redactUrl, resolveConnectionString, sslConfig } from '../../../src-main/db';

const SECRET = 'S3cr3t-Pa55';

function rejection(url: string, field?: string): ConfitureError {
  try {
    resolveConnectionString(url, undefined, field);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfitureError);
    return e as ConfitureError;
  }
  throw new Error(`expected ${redactUrl(url)} to be rejected`);
}

describe('resolveConnectionString', () => {
  it('resolves a full URL into a node-postgres config without putting the password in the label', () => {
    const r = resolveConnectionString(`postgres://app:${SECRET}@db.example.com:6432/shop?sslmode=require`);
    expect(r).toMatchObject({ host: 'db.example.com', port: 6432, database: 'shop', user: 'app', tlsMode: 'require' });
    expect(r.config.password).toBe(SECRET);
    expect(r.label).not.toContain(SECRET);
    expect(r.label).toBe('postgres://app@db.example.com:6432/shop?sslmode=require');
  });

  it.each(['mysql://root:S3cr3t-Pa55@h/db', 'http://u:S3cr3t-Pa55@h/db', 'host=h password=S3cr3t-Pa55', ''])(
    'rejects a non-postgres string (%#) naming the field and hiding the password',
    (url) => {
      const e = rejection(url, 'target.url');
      expect(e.code).toBe('invalid_input');
      expect(e.where?.field).toBe('target.url');
      expect(e.message).toMatch(/postgres:\/\//);
      expect(JSON.stringify(e.toValue())).not.toContain(SECRET);
    },
  );

  it.each(['70000', '0', 'abc'])('rejects port %s naming the field and hiding the password', (port) => {
    const e = rejection(`postgres://u:${SECRET}@localhost:${port}/db`);
    expect(e.code).toBe('invalid_input');
    expect(e.where?.field).toBe('url');
    expect(e.message).toMatch(/port/i);
    expect(JSON.stringify(e.toValue())).not.toContain(SECRET);
  });

  it('rejects an unknown sslmode naming it and hiding the password', () => {
    const e = rejection(`postgres://u:${SECRET}@localhost/db?sslmode=sometimes`);
    expect(e.code).toBe('invalid_input');
    expect(e.where?.field).toBe('url');
    expect(e.message).toContain('"sometimes"');
    expect(e.message).not.toContain(SECRET);
  });

  it('does not echo part of a password holding an unescaped slash', () => {
    const e = rejection('postgres://u:pa55/word1234@localhost:5432/db');
    expect(e.message).not.toMatch(/pa55|word1234/);
  });

  it('rejects an unparseable URL without echoing it', () => {
    const e = rejection(`postgres://u:${SECRET}@[bad/db`);
    expect(e.message).not.toContain(SECRET);
    expect(e.where?.field).toBe('url');
  });

  it('defaults to port 5432, database = user, and skips TLS for prefer on loopback', () => {
    const r = resolveConnectionString('postgresql://alice@127.0.0.1');
    expect(r).toMatchObject({ port: 5432, database: 'alice', user: 'alice', tlsMode: 'disable' });
    expect(r.config.ssl).toBe(false);
  });

  it('keeps prefer on a remote host, as TLS without verification', () => {
    const r = resolveConnectionString('postgres://u@db.example.com/x');
    expect(r.tlsMode).toBe('prefer');
    expect(r.config.ssl).toEqual({ rejectUnauthorized: false });
  });

  it('maps sslmode=no-verify to require and allow to prefer', () => {
    expect(resolveConnectionString('postgres://u@db.example.com/x?sslmode=no-verify').tlsMode).toBe('require');
    expect(resolveConnectionString('postgres://u@db.example.com/x?sslmode=allow').tlsMode).toBe('prefer');
  });

  it('lets explicit TLS options override the URL sslmode', () => {
    const r = resolveConnectionString('postgres://u@db.example.com/x?sslmode=disable', { mode: 'verify-full' });
    expect(r.tlsMode).toBe('verify-full');
    expect(r.config.ssl).toEqual({ rejectUnauthorized: true });
  });

  it('never lets the URL query override the TLS settings it resolved', () => {
    const r = resolveConnectionString('postgres://u@db.example.com/x?sslmode=verify-full');
    expect(r.config.ssl).toEqual({ rejectUnauthorized: true });
    expect((r.config as { connectionString?: string }).connectionString).toBeUndefined();
  });
});

describe('redactUrl', () => {
  it('removes the password from the userinfo', () => {
    const out = redactUrl(`postgres://app:${SECRET}@db:5432/shop`);
    expect(out).toBe('postgres://app@db:5432/shop');
  });

  it('removes password-like query parameters', () => {
    const out = redactUrl(`postgres://app@db/shop?password=${SECRET}&application_name=x&sslpassword=${SECRET}`);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('application_name=x');
  });

  it('hides a string it cannot parse instead of echoing it', () => {
    expect(redactUrl(`not a url ${SECRET}`)).not.toContain(SECRET);
  });

  it('keeps a URL without a password intact', () => {
    expect(redactUrl('postgres://app@db/shop')).toBe('postgres://app@db/shop');
  });

  it('does not mangle a user name that ends the userinfo with a colon and no password', () => {
    expect(redactUrl('postgres://app:@db/shop')).toBe('postgres://app@db/shop');
  });
});

describe('TLS modes → node-postgres ssl options', () => {
  it('disable turns TLS off', () => {
    expect(sslConfig({ mode: 'disable' })).toBe(false);
  });
  it('prefer and require encrypt without verifying the certificate', () => {
    expect(sslConfig({ mode: 'prefer' })).toEqual({ rejectUnauthorized: false });
    expect(sslConfig({ mode: 'require' })).toEqual({ rejectUnauthorized: false });
  });
  it('verify-ca checks the chain but not the host name', () => {
    const s = sslConfig({ mode: 'verify-ca' }) as { rejectUnauthorized: boolean; checkServerIdentity: () => unknown };
    expect(s.rejectUnauthorized).toBe(true);
    expect(s.checkServerIdentity()).toBeUndefined();
  });
  it('verify-full checks chain and host name (node default identity check)', () => {
    const s = sslConfig({ mode: 'verify-full' }) as Record<string, unknown>;
    expect(s).toEqual({ rejectUnauthorized: true });
  });
  it('reads CA, cert and key files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-tls-'));
    try {
      for (const f of ['ca.pem', 'cert.pem', 'key.pem']) fs.writeFileSync(path.join(dir, f), `-----${f}-----`);
      const s = sslConfig({ mode: 'verify-full', caFile: path.join(dir, 'ca.pem'), certFile: path.join(dir, 'cert.pem'), keyFile: path.join(dir, 'key.pem') });
      expect(s).toEqual({ rejectUnauthorized: true, ca: '-----ca.pem-----', cert: '-----cert.pem-----', key: '-----key.pem-----' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it('names the TLS field when a CA file cannot be read', () => {
    expect(() => sslConfig({ mode: 'verify-full', caFile: '/nonexistent/ca.pem' })).toThrow(/tls\.caFile/);
  });
});
