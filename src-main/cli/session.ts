/**
 * What every database-facing CLI command needs: a context, a connection from `--db`
 * (a URL, `embedded`, or `embedded:<database>`), and cleanup.
 */
import type pg from 'pg';
import type { ConnectionInfo, ConnectionTarget } from '../../src-shared/domain/connection';
import { createContext, type AppContext } from '../context';
import { UsageError } from './output';

export interface DbOptions {
  db?: string;
}

export function targetFromOption(db: string | undefined, defaultDatabase = 'confiture_demo'): ConnectionTarget {
  const value = db ?? process.env.DATABASE_URL;
  if (!value || value === 'embedded') return { kind: 'embedded', database: defaultDatabase };
  if (value.startsWith('embedded:')) {
    const database = value.slice('embedded:'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(database)) throw new UsageError(`--db embedded:<database>: "${database}" is not a valid database name`);
    return { kind: 'embedded', database };
  }
  return { kind: 'url', url: value };
}

export interface CliSession {
  ctx: AppContext;
  connection: ConnectionInfo;
  pool: pg.Pool;
  close(): Promise<void>;
}

export async function openSession(db: string | undefined, defaultDatabase?: string): Promise<CliSession> {
  const ctx = createContext({ mode: 'cli' });
  try {
    const connection = await ctx.connections.openTarget(targetFromOption(db, defaultDatabase));
    return { ctx, connection, pool: ctx.connections.pool(connection.id), close: () => ctx.close() };
  } catch (e) {
    await ctx.close();
    throw e;
  }
}

/** Embedded database name for a project: `confiture_<slug of project name>`. */
export function embeddedDatabaseFor(projectName: string): string {
  const slug = projectName.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 50) || 'project';
  return `confiture_${slug}`;
}
