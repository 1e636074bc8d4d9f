import fs from 'node:fs';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import type { TlsOptions } from '../../src-shared/domain/connection';
import { ConfitureError } from '../errors';
import { registerSecret } from '../logging';

export interface ResolvedConnection {
  config: pg.ClientConfig;
  host: string;
  port: number;
  database: string;
  user: string;
  /** the URL without its password, safe to log and show */
  label: string;
  tlsMode: TlsOptions['mode'];
}

const SSLMODES = new Set(['disable', 'prefer', 'require', 'verify-ca', 'verify-full', 'allow', 'no-verify']);

/** Removes the password (and any `password=` query parameter) from a connection URL. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|token/i.test(key)) u.searchParams.set(key, 'redacted');
    return u.toString().replace(/:@/, '@');
  } catch {
    return '[unparseable connection string]';
  }
}

function readPem(path: string, field: string): string {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfitureError('invalid_input', `Cannot read ${field} file ${path}: ${(e as Error).message}`, { field });
  }
}

/** Builds the `ssl` option of node-postgres from our TLS mode. */
export function sslConfig(tls: TlsOptions): pg.ClientConfig['ssl'] {
  if (tls.mode === 'disable') return false;
  const base: Record<string, unknown> = {};
  if (tls.caFile) base.ca = readPem(tls.caFile, 'tls.caFile');
  if (tls.certFile) base.cert = readPem(tls.certFile, 'tls.certFile');
  if (tls.keyFile) base.key = readPem(tls.keyFile, 'tls.keyFile');
  if (tls.mode === 'prefer' || tls.mode === 'require') return { ...base, rejectUnauthorized: false };
  if (tls.mode === 'verify-ca') return { ...base, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ...base, rejectUnauthorized: true };
}

/**
 * Validates a user connection string and turns it into a node-postgres config.
 * Errors never echo the string itself, which may hold a password.
 */
export function resolveConnectionString(url: string, tls?: TlsOptions, field = 'url'): ResolvedConnection {
  const trimmed = url.trim();
  if (!/^postgres(ql)?:\/\//i.test(trimmed)) {
    throw new ConfitureError('invalid_input', 'A connection string must start with postgres:// or postgresql://', { field });
  }
  let parsed: ReturnType<typeof parseConnectionString>;
  let u: URL;
  try {
    u = new URL(trimmed);
    // TLS is resolved by us from sslmode below; pg-connection-string would only warn about it
    const forParse = new URL(trimmed);
    for (const k of [...forParse.searchParams.keys()]) if (k.startsWith('ssl')) forParse.searchParams.delete(k);
    parsed = parseConnectionString(forParse.toString());
  } catch {
    // the URL parser rejects an out-of-range port: say so rather than blame the password
    const authority = trimmed.replace(/^postgres(ql)?:\/\//i, '').split(/[/?#]/)[0] ?? '';
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1); // never the password
    const port = /^(?:\[[^\]]*\]|[^:[\]]*):(.*)$/.exec(hostPort)?.[1];
    if (port !== undefined && port !== '' && (!/^\d{1,5}$/.test(port) || Number(port) > 65535)) {
      // not echoed: with an unescaped / in the password, this "port" is part of the password
      throw new ConfitureError('invalid_input', 'The port of the connection string is not a TCP port (1-65535), or the password holds an unescaped @, : or /', { field });
    }
    throw new ConfitureError('invalid_input', 'The connection string is not a valid URL (check for unescaped @, : or / in the password)', { field });
  }
  const sslmodeParam = u.searchParams.get('sslmode');
  if (sslmodeParam && !SSLMODES.has(sslmodeParam)) {
    throw new ConfitureError('invalid_input', `Unknown sslmode "${sslmodeParam}" (use disable, prefer, require, verify-ca or verify-full)`, { field });
  }
  const mode: TlsOptions['mode'] =
    tls?.mode ?? (sslmodeParam === 'no-verify' ? 'require' : sslmodeParam === 'allow' ? 'prefer' : ((sslmodeParam as TlsOptions['mode'] | null) ?? 'prefer'));
  const host = parsed.host ?? 'localhost';
  const port = parsed.port ? Number(parsed.port) : 5432;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfitureError('invalid_input', `Port ${parsed.port} is not a valid TCP port (1-65535)`, { field });
  }
  const database = parsed.database ?? parsed.user ?? 'postgres';
  const user = parsed.user ?? process.env.PGUSER ?? 'postgres';
  const isLocal = host === 'localhost' || host.startsWith('127.') || host === '::1' || host.startsWith('/');
  // `prefer` on a loopback/socket host: skip TLS, as libpq would find no TLS on a default local install
  const effectiveMode = mode === 'prefer' && isLocal ? 'disable' : mode;
  const config: pg.ClientConfig = {
    host,
    port,
    database,
    user,
    ssl: sslConfig({ ...(tls ?? {}), mode: effectiveMode }),
    application_name: 'confiture',
    connectionTimeoutMillis: 10_000,
  };
  if (parsed.password) {
    config.password = parsed.password;
    // from now on this password is redacted from every log line and stored hook output
    registerSecret('connection password', parsed.password);
  }
  return { config, host, port, database, user, label: redactUrl(trimmed), tlsMode: effectiveMode };
}

/** Opens one client, retrying `prefer` without TLS when the server has none. */
export async function connectClient(conn: ResolvedConnection): Promise<pg.Client> {
  const client = new pg.Client(conn.config);
  try {
    await client.connect();
    return client;
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (conn.tlsMode === 'prefer' && /does not support SSL/i.test(msg)) {
      conn.config.ssl = false;
      const plain = new pg.Client(conn.config);
      await plain.connect();
      return plain;
    }
    throw new ConfitureError('connection_error', `Cannot connect to ${conn.label}: ${msg}`);
  }
}

/** Quotes an identifier the way PostgreSQL does (always quoted, inner quotes doubled). */
export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
