/**
 * The live lock monitor: from its own connection, at least once a second while a statement
 * runs, it lists the sessions our backend waits on and the sessions waiting on our backend
 * (pg_locks + pg_stat_activity + pg_blocking_pids), and the relation locks we hold.
 */
import type pg from 'pg';
import type { LockTaken } from '../../src-shared/domain/lifecycle';
import type { LockMonitorSnapshot, LockSession, SessionIdentity } from '../../src-shared/domain/runner';

/** The columns of pg_stat_activity a DBA needs to recognise a session (the lock monitor and the blocker dialog). */
export interface ActivityRow {
  pid: number;
  usename: string | null;
  application_name: string | null;
  client_addr: string | null;
  state: string | null;
  query: string | null;
  xact_start: Date | null;
}

/** Who a session is, in the names the UI shows. */
export function sessionIdentity(r: ActivityRow): SessionIdentity {
  return {
    pid: r.pid,
    user: r.usename,
    applicationName: r.application_name,
    clientAddr: r.client_addr,
    state: r.state,
    query: r.query,
    xactStart: r.xact_start ? new Date(r.xact_start).toISOString() : null,
  };
}

interface SessionRow extends ActivityRow {
  relation: string | null;
  mode: string | null;
  waiting_ms: number | null;
}

function toSession(r: SessionRow): LockSession {
  return {
    ...sessionIdentity(r),
    relation: r.relation,
    mode: r.mode,
    waitingMs: r.waiting_ms === null ? null : Math.round(Number(r.waiting_ms)),
  };
}

const SESSION_COLUMNS = `a.pid, a.usename, a.application_name, host(a.client_addr) AS client_addr, a.state, left(a.query, 500) AS query, a.xact_start`;

/** One look at the lock situation of backend `pid`. */
export async function lockSnapshot(db: Pick<pg.ClientBase, 'query'>, runId: string, pid: number, serverVersionNum: number): Promise<LockMonitorSnapshot> {
  // pg_locks.waitstart exists from PostgreSQL 14; before that the query start approximates it
  const waitStart = serverVersionNum >= 140000 ? `(SELECT min(w.waitstart) FROM pg_locks w WHERE w.pid = a.pid AND NOT w.granted)` : 'a.query_start';
  const r = await db.query<{ waiting: boolean; blockers: SessionRow[] | null; blocked: SessionRow[] | null; locks: LockTaken[] | null }>(
    `WITH me AS (SELECT pid, wait_event_type FROM pg_stat_activity WHERE pid = $1),
     my_wait AS (SELECT l.relation, l.mode FROM pg_locks l WHERE l.pid = $1 AND NOT l.granted LIMIT 1),
     blockers AS (
       SELECT ${SESSION_COLUMNS},
              (SELECT w.relation::regclass::text FROM my_wait w) AS relation,
              (SELECT string_agg(DISTINCT h.mode, ', ') FROM pg_locks h, my_wait w WHERE h.pid = a.pid AND h.granted AND h.relation = w.relation) AS mode,
              NULL::double precision AS waiting_ms
       FROM pg_stat_activity a WHERE a.pid = ANY (pg_blocking_pids($1))
     ),
     blocked AS (
       SELECT ${SESSION_COLUMNS},
              (SELECT w.relation::regclass::text FROM pg_locks w WHERE w.pid = a.pid AND NOT w.granted LIMIT 1) AS relation,
              (SELECT w.mode FROM pg_locks w WHERE w.pid = a.pid AND NOT w.granted LIMIT 1) AS mode,
              extract(epoch FROM clock_timestamp() - ${waitStart}) * 1000 AS waiting_ms
       FROM pg_stat_activity a
       WHERE a.wait_event_type = 'Lock' AND a.pid <> $1 AND $1 = ANY (pg_blocking_pids(a.pid))
     )
     SELECT coalesce((SELECT wait_event_type = 'Lock' FROM me), false) AS waiting,
            (SELECT jsonb_agg(to_jsonb(b)) FROM blockers b) AS blockers,
            (SELECT jsonb_agg(to_jsonb(b)) FROM blocked b) AS blocked,
            (SELECT jsonb_agg(DISTINCT jsonb_build_object('relation', l.relation::regclass::text, 'mode', l.mode))
               FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE l.pid = $1 AND l.granted AND l.locktype = 'relation' AND c.relnamespace <> 'pg_catalog'::regnamespace) AS locks`,
    [pid],
  );
  const row = r.rows[0]!;
  const fix = (rows: SessionRow[] | null) => (rows ?? []).map((x) => toSession({ ...x, xact_start: x.xact_start ? new Date(x.xact_start) : null }));
  return {
    runId,
    at: new Date().toISOString(),
    ourPid: pid,
    waiting: row.waiting,
    blockers: fix(row.blockers),
    blocked: fix(row.blocked),
    ourLocks: row.locks ?? [],
  };
}

export interface MonitorHooks {
  /** every snapshot taken while a statement runs, with the `tag` read when the look began */
  onSnapshot(s: LockMonitorSnapshot, tag: string | null): void;
  /** the backend pid to watch right now, or null when nothing runs */
  currentPid(): number | null;
  /** what the run is doing when a look begins (the migration): a snapshot answers for that moment, not for when it arrives */
  tag?(): string | null;
}

/**
 * Polls while a statement runs. `intervalMs` ≤ 1000. One query in flight at a time; failures are
 * swallowed (the monitor must never break the run).
 */
export class LockMonitor {
  private timer: NodeJS.Timeout | null = null;
  private busy = false;
  constructor(
    private readonly client: pg.ClientBase,
    private readonly runId: string,
    private readonly serverVersionNum: number,
    private readonly intervalMs: number,
    private readonly hooks: MonitorHooks,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
  }

  async poll(): Promise<LockMonitorSnapshot | null> {
    const pid = this.hooks.currentPid();
    if (pid === null || this.busy) return null;
    this.busy = true;
    const tag = this.hooks.tag?.() ?? null;
    try {
      const snap = await lockSnapshot(this.client, this.runId, pid, this.serverVersionNum);
      if (this.hooks.currentPid() === pid) this.hooks.onSnapshot(snap, tag);
      return snap;
    } catch {
      return null;
    } finally {
      this.busy = false;
    }
  }

  /** Cancels the query running on `pid` (abort, auto-abort). */
  async cancel(pid: number): Promise<void> {
    await this.client.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
