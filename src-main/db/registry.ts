import crypto from 'node:crypto';
import pg from 'pg';
import type { ConnectionInfo, ConnectionTarget } from '../../src-shared/domain/connection';
import { ConfitureError } from '../errors';
import { childLogger } from '../logging';
import { connectClient, resolveConnectionString, type ResolvedConnection } from './connection';
import type { EmbeddedServer } from './embedded';

interface OpenConnection {
  /** label + TLS + credentials: the same target opened twice shares a pool, a different one does not */
  key: string;
  info: ConnectionInfo;
  resolved: ResolvedConnection;
  pool: pg.Pool;
}

/**
 * The connections this engine holds. The renderer only ever sees `ConnectionInfo`
 * (no password); services ask for a pool or a dedicated client by id.
 */
export class ConnectionRegistry {
  private readonly open = new Map<string, OpenConnection>();
  constructor(private readonly embedded: EmbeddedServer) {}

  async resolve(target: ConnectionTarget): Promise<{ resolved: ResolvedConnection; kind: 'embedded' | 'url' }> {
    if (target.kind === 'embedded') {
      const server = await this.embedded.start();
      const resolved = resolveConnectionString(server.url, { mode: 'disable' });
      if (target.database) {
        await ensureDatabase(resolved, target.database);
        resolved.config.database = target.database;
        resolved.database = target.database;
        resolved.label = resolved.label.replace(/\/postgres$/, `/${target.database}`);
      }
      resolved.label = `embedded PostgreSQL (${resolved.label})`;
      return { resolved, kind: 'embedded' };
    }
    return { resolved: resolveConnectionString(target.url, target.tls, 'target.url'), kind: 'url' };
  }

  async openTarget(target: ConnectionTarget): Promise<ConnectionInfo> {
    const { resolved, kind } = await this.resolve(target);
    const probe = await connectClient(resolved);
    let versionNum: number;
    let version: string;
    let tls: boolean;
    try {
      const r = await probe.query<{ v: string; n: string; ssl: boolean | null }>(
        "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS ssl",
      );
      version = r.rows[0]!.v;
      versionNum = Number(r.rows[0]!.n);
      tls = r.rows[0]!.ssl === true;
    } finally {
      await probe.end();
    }
    if (versionNum < 130000) {
      throw new ConfitureError('connection_error', `PostgreSQL ${version} is not supported: Confiture needs PostgreSQL 13 or newer`);
    }
    // one connection per target: reopening the same target returns the same id (the label alone
    // would merge targets that differ only in TLS settings or password)
    const key = crypto
      .createHash('sha256')
      .update(JSON.stringify([resolved.label, resolved.tlsMode, resolved.config.ssl ?? null, resolved.config.password ?? null]))
      .digest('hex');
    for (const c of this.open.values()) if (c.key === key) return c.info;
    const id = crypto.randomUUID();
    const pool = new pg.Pool({ ...resolved.config, max: 8, idleTimeoutMillis: 30_000 });
    pool.on('error', (err) => childLogger({ connection: resolved.label }).warn({ err: err.message }, 'idle client error'));
    const info: ConnectionInfo = {
      id,
      kind,
      label: resolved.label,
      host: resolved.host,
      port: resolved.port,
      database: resolved.database,
      user: resolved.user,
      serverVersion: version,
      serverVersionNum: versionNum,
      tls,
    };
    this.open.set(id, { key, info, resolved, pool });
    return info;
  }

  list(): ConnectionInfo[] {
    return [...this.open.values()].map((c) => c.info);
  }

  private get(id: string): OpenConnection {
    const c = this.open.get(id);
    if (!c) throw new ConfitureError('not_found', `No open connection with id ${id}; open one first`, { field: 'connectionId' });
    return c;
  }

  info(id: string): ConnectionInfo {
    return this.get(id).info;
  }

  pool(id: string): pg.Pool {
    return this.get(id).pool;
  }

  /** A dedicated client (advisory lock holder, lock monitor, step-through session). Caller ends it. */
  async client(id: string): Promise<pg.Client> {
    return connectClient(this.get(id).resolved);
  }

  resolved(id: string): ResolvedConnection {
    return this.get(id).resolved;
  }

  async close(id: string): Promise<boolean> {
    const c = this.open.get(id);
    if (!c) return false;
    this.open.delete(id);
    // connections still closing when the server stops (embedded server shutdown) are expected
    c.pool.removeAllListeners('error');
    c.pool.on('error', () => undefined);
    await c.pool.end().catch(() => undefined);
    return true;
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
  }
}

async function ensureDatabase(resolved: ResolvedConnection, database: string): Promise<void> {
  const c = await connectClient(resolved);
  try {
    const r = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`);
  } catch (e) {
    // another caller created it concurrently
    if ((e as { code?: string }).code !== '42P04') throw e;
  } finally {
    await c.end();
  }
}
