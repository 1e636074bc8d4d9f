/**
 * The desk service: what the app's screens need from the engine beyond the other services —
 * the window's session (restored on reload from here, not from the page), psql access to the
 * embedded server, the embedded server's liveness, and cancelling / terminating a blocker
 * (gated by `desk.blockers.allow`, recorded in a hash-chained audit log in the project).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BlockerAction, BlockerInfo, BlockerIntervention, DeskSession, InterventionEntry, PsqlAccess } from '../../src-shared/domain/desk';
import type { AppContext } from '../context';
import { projectDirOf } from '../desktop/open-project';
import { ConfitureError } from '../errors';
import { sessionIdentity, type ActivityRow } from '../engine/monitor';
import { childLogger } from '../logging';
import type { Project } from '../project';

const sessions = new WeakMap<AppContext, DeskSession>();

export function getSession(ctx: AppContext): DeskSession {
  const s = sessions.get(ctx) ?? { connectionId: null, projectDir: null, screen: null };
  // a connection closed (or lost with its server) since is not restored
  if (s.connectionId && !ctx.connections.list().some((c) => c.id === s.connectionId)) return { ...s, connectionId: null };
  return { ...s };
}

export function setSession(ctx: AppContext, patch: Partial<DeskSession>): DeskSession {
  const next = { ...getSession(ctx) };
  if (patch.connectionId !== undefined) next.connectionId = patch.connectionId;
  if (patch.projectDir !== undefined) next.projectDir = patch.projectDir;
  if (patch.screen !== undefined) next.screen = patch.screen;
  sessions.set(ctx, next);
  return next;
}

/**
 * A project handed to the desktop app from outside (file association, a folder on the command
 * line, a second instance): checked again here — the engine trusts no path — and made the
 * session's project, so every window opens it on its next load. Returns the folder, or null when
 * the path names no project (nothing changes).
 */
export function openProjectFromDesktop(ctx: AppContext, dir: unknown): string | null {
  if (typeof dir !== 'string') return null;
  const found = projectDirOf(dir);
  if (!found) return null;
  setSession(ctx, { projectDir: found });
  return found;
}

/** Checks the embedded server; when it is gone, its connections are closed (they can only fail). */
export async function checkEmbedded(ctx: AppContext): Promise<{ state: AppContext['embedded']['state']; port: number | null; error: string | null }> {
  const before = ctx.embedded.state;
  const state = ctx.embedded.checkAlive();
  if (before === 'running' && state !== 'running') {
    for (const c of ctx.connections.list()) if (c.kind === 'embedded') await ctx.connections.close(c.id);
  }
  return { state, port: ctx.embedded.port, error: ctx.embedded.lastError };
}

export function psqlAccess(ctx: AppContext, database = 'confiture_demo'): PsqlAccess {
  const port = ctx.embedded.state === 'running' ? ctx.embedded.port : null;
  const pgpassFile = ctx.embedded.pgpassFile;
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return {
    running: port !== null,
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database,
    passwordFile: ctx.embedded.credentialsFile,
    pgpassFile,
    command: port !== null ? `PGPASSFILE=${quote(pgpassFile)} psql -h 127.0.0.1 -p ${port} -U postgres ${quote(database)}` : null,
  };
}

// ---------- blockers ----------

interface BlockerRow extends ActivityRow {
  backend_start: Date;
  age_ms: number | null;
  backend_type: string | null;
  blocking: number[] | null;
  same_db: boolean;
  is_self: boolean;
}

async function blockerRow(ctx: AppContext, connectionId: string, pid: number): Promise<BlockerRow> {
  const r = await ctx.connections.pool(connectionId).query<BlockerRow>(
    `SELECT a.pid, a.usename, a.application_name, host(a.client_addr) AS client_addr, a.state, left(a.query, 2000) AS query,
            a.backend_start, a.xact_start, a.backend_type,
            extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, a.query_start, a.backend_start)) * 1000 AS age_ms,
            (SELECT array_agg(w.pid ORDER BY w.pid) FROM pg_stat_activity w WHERE a.pid = ANY (pg_blocking_pids(w.pid))) AS blocking,
            a.datname = current_database() AS same_db,
            a.pid = pg_backend_pid() AS is_self
       FROM pg_stat_activity a WHERE a.pid = $1`,
    [pid],
  );
  const row = r.rows[0];
  if (!row) throw new ConfitureError('not_found', `No session with pid ${pid} (it has ended)`, { field: 'pid' });
  return row;
}

function toInfo(r: BlockerRow): BlockerInfo {
  return {
    ...sessionIdentity(r),
    backendStart: new Date(r.backend_start).toISOString(),
    ageMs: r.age_ms === null ? null : Math.round(Number(r.age_ms)),
    blocking: r.blocking ?? [],
  };
}

export async function describeBlocker(ctx: AppContext, connectionId: string, pid: number): Promise<BlockerInfo> {
  return toInfo(await blockerRow(ctx, connectionId, pid));
}

const GENESIS = '0'.repeat(64);
export const INTERVENTIONS_LOG = path.join('audit', 'interventions.log');

function entryHash(e: Omit<InterventionEntry, 'hash'>): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify([e.seq, e.at, e.action, e.by, e.reason, e.database, e.pid, e.user, e.applicationName, e.query, e.ageMs, e.signalled, e.prevHash]))
    .digest('hex');
}

/** The interventions audit log, verified: a broken chain is an error naming the line. */
export function readInterventions(projectDir: string): InterventionEntry[] {
  const file = path.join(projectDir, INTERVENTIONS_LOG);
  if (!fs.existsSync(file)) return [];
  const out: InterventionEntry[] = [];
  let prev = GENESIS;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    let e: InterventionEntry;
    try {
      e = JSON.parse(line) as InterventionEntry;
    } catch {
      throw new ConfitureError('policy_failure', `${file}:${i + 1}: not a JSON entry`, { file, line: i + 1 });
    }
    const { hash, ...rest } = e;
    if (e.prevHash !== prev || entryHash(rest) !== hash || e.seq !== out.length + 1) {
      throw new ConfitureError('policy_failure', `${file}:${i + 1}: the audit chain is broken (entry edited, removed or reordered)`, { file, line: i + 1 });
    }
    prev = hash;
    out.push(e);
  });
  return out;
}

function appendIntervention(projectDir: string, base: Omit<InterventionEntry, 'seq' | 'prevHash' | 'hash'>): InterventionEntry {
  const entries = readInterventions(projectDir);
  const last = entries[entries.length - 1];
  const e: Omit<InterventionEntry, 'hash'> = { seq: entries.length + 1, ...base, prevHash: last?.hash ?? GENESIS };
  const entry: InterventionEntry = { ...e, hash: entryHash(e) };
  const file = path.join(projectDir, INTERVENTIONS_LOG);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, JSON.stringify(entry) + '\n');
  return entry;
}

export interface ActInput {
  connectionId: string;
  pid: number;
  action: BlockerAction;
  backendStart: string;
  by: string;
  reason: string;
}

/**
 * Cancels (pg_cancel_backend) or terminates (pg_terminate_backend) a blocking session, when
 * `desk.blockers.allow` permits it. Refuses our own backend, non-client backends, sessions of
 * other databases and a pid reused since the confirmation (backend_start differs). Every
 * attempt that signals is appended to `audit/interventions.log` before the result returns.
 */
export async function actOnBlocker(ctx: AppContext, project: Project, input: ActInput): Promise<BlockerIntervention> {
  const allow = project.config.desk.blockers.allow;
  if (allow === 'none' || (allow === 'cancel' && input.action === 'terminate')) {
    throw new ConfitureError(
      'policy_failure',
      `${input.action === 'terminate' ? 'Terminating' : 'Cancelling'} a blocker is disabled for this project: set desk.blockers.allow to "${input.action}" in confiture.yaml (now "${allow}")`,
      { file: path.join(project.dir, 'confiture.yaml'), field: 'desk.blockers.allow' },
    );
  }
  const row = await blockerRow(ctx, input.connectionId, input.pid);
  if (row.is_self) throw new ConfitureError('invalid_input', `pid ${input.pid} is this connection's own session`, { field: 'pid' });
  if (row.backend_type !== 'client backend') throw new ConfitureError('invalid_input', `pid ${input.pid} is a ${row.backend_type ?? 'server'} process, not a client session`, { field: 'pid' });
  if (!row.same_db) throw new ConfitureError('invalid_input', `pid ${input.pid} is connected to another database`, { field: 'pid' });
  const info = toInfo(row);
  if (Date.parse(info.backendStart) !== Date.parse(input.backendStart)) {
    throw new ConfitureError('invalid_input', `pid ${input.pid} is another session than the one confirmed (it started at ${info.backendStart}): look again`, { field: 'backendStart' });
  }
  const fn = input.action === 'terminate' ? 'pg_terminate_backend' : 'pg_cancel_backend';
  const pool = ctx.connections.pool(input.connectionId);
  const r = await pool.query<{ ok: boolean }>(`SELECT ${fn}($1) AS ok`, [input.pid]);
  const signalled = r.rows[0]?.ok === true;
  let gone = false;
  if (input.action === 'terminate' && signalled) {
    for (let i = 0; i < 50 && !gone; i++) {
      const still = await pool.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2', [input.pid, row.backend_start]);
      gone = still.rowCount === 0;
      if (!gone) await new Promise((res) => setTimeout(res, 50));
    }
  }
  const entry = appendIntervention(project.dir, {
    at: new Date().toISOString(),
    action: input.action,
    by: input.by,
    reason: input.reason,
    database: ctx.connections.info(input.connectionId).database,
    pid: info.pid,
    user: info.user,
    applicationName: info.applicationName,
    query: info.query,
    ageMs: info.ageMs,
    signalled,
  });
  childLogger({ service: 'desk' }).info({ action: input.action, pid: info.pid, by: input.by, signalled }, 'blocker intervention');
  return { action: input.action, pid: info.pid, signalled, gone, auditHash: entry.hash, blocker: info };
}
