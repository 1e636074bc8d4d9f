/**
 * `sql` hooks run on the target database. With `inTransaction: true` they run inside the
 * migration's transaction (under a savepoint, so a `warn` hook's error does not abort the
 * migration); otherwise, or when the phase has no open transaction, on a pooled connection.
 * The context is readable as `current_setting('confiture.hook_context')::jsonb`.
 * A last result whose first row has `ok = false` is a failure (`reason` column as message).
 * On timeout the backend is cancelled with pg_cancel_backend.
 */
import crypto from 'node:crypto';
import type pg from 'pg';
import { escapeLiteral } from 'pg';
import { initParser, parseSql } from '../../parse';
import type { LifecycleSqlClient } from '../../../src-shared/domain/lifecycle';
import type { SqlHookConfig } from '../config';
import { failureFromResult, type AttemptInput, type AttemptResult } from './types';

interface SqlResult {
  command?: string;
  rowCount?: number | null;
  rows: unknown[];
}

/** Serialises hooks sharing the migration's transaction: savepoints must not interleave. */
const txLocks = new WeakMap<object, Promise<unknown>>();
async function withTxLock<T>(client: object, fn: () => Promise<T>): Promise<T> {
  const prev = txLocks.get(client) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  txLocks.set(client, next.catch(() => undefined));
  return next;
}

function describe(results: SqlResult[]): string {
  return results
    .map((r) => {
      const head = `${r.command ?? 'OK'}${r.rowCount !== null && r.rowCount !== undefined ? ` ${r.rowCount}` : ''}`;
      const rows = r.rows.slice(0, 5).map((row) => JSON.stringify(row));
      return [head, ...rows, r.rows.length > 5 ? `… ${r.rows.length - 5} more rows` : ''].filter(Boolean).join('\n');
    })
    .join('\n');
}

function interpret(raw: unknown): AttemptResult {
  const results = (Array.isArray(raw) ? raw : [raw]) as SqlResult[];
  const last = [...results].reverse().find((r) => r && r.rows && r.rows.length > 0);
  const reason = last ? failureFromResult(last.rows[0]) : null;
  const output = describe(results.filter(Boolean));
  return reason ? { ok: false, output, error: reason } : { ok: true, output, error: null };
}

function pgMessage(e: unknown): string {
  const err = e as { message?: string; code?: string };
  return `${err.message ?? String(e)}${err.code ? ` (SQLSTATE ${err.code})` : ''}`;
}

/** Statement types a hook may send in one message with its context (they run the same in a transaction block). */
const DATA_STATEMENTS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);
/** Of those, the ones every supported server can PREPARE (MERGE only from PostgreSQL 15; SELECT … INTO creates a table) */
const PREPARABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

interface Sending {
  /** one plain data statement: it travels in the same message as its context and the session reset */
  withContext: boolean;
  /** and it may run as a prepared statement of that name (planned once per connection) */
  prepared: string | null;
}
const sendings = new Map<string, Sending>();

/**
 * How a pooled hook's SQL is sent. Exactly one plain data statement (SELECT, INSERT, UPDATE,
 * DELETE, MERGE) can travel in the same simple-query message as the `set_config` of its context
 * (one round trip instead of two): two statements in one message run as one implicit transaction
 * block, and those behave the same inside a block; anything else (VACUUM, CALL, DO, SET, several
 * statements, what does not parse) keeps its own message, as before. Such a statement also runs
 * prepared — `PREPARE` on the connection's first firing, `EXECUTE` after — so the server plans it
 * once per connection instead of at every firing: the demo's `pg_stat_activity` gate planned
 * for 0.2–0.6 ms of its 0.3–0.9 ms (bench/apply).
 */
async function sendingOf(sql: string): Promise<Sending> {
  const known = sendings.get(sql);
  if (known !== undefined) return known;
  let r: Sending = { withContext: false, prepared: null };
  try {
    await initParser();
    const parsed = parseSql(sql, '<hook>');
    const only = parsed.statements.length === 1 ? parsed.statements[0]! : null;
    if (only !== null && only.transactional && only.txControl === null && DATA_STATEMENTS.has(only.nodeType)) {
      const preparable = PREPARABLE.has(only.nodeType) && !(only.nodeType === 'SelectStmt' && only.node.intoClause);
      r = { withContext: true, prepared: preparable ? `confiture_hook_${crypto.createHash('sha256').update(sql).digest('hex').slice(0, 20)}` : null };
    }
  } catch {
    // what does not parse is sent as it is, on its own
  }
  if (sendings.size > 1000) sendings.clear();
  sendings.set(sql, r);
  return r;
}

/** The hooks' statements prepared on each pooled connection (a pg.Client outlives its checkouts). */
const preparedOn = new WeakMap<object, Set<string>>();

/**
 * What `DISCARD ALL` does, as the statements PostgreSQL documents it as equivalent to — which,
 * unlike DISCARD ALL itself, may run inside a transaction block: sent after a one-data-statement
 * hook in the same message, the connection comes back already reset (no second round trip). If
 * the hook fails, the block rolls back, resets included, and the connection is destroyed.
 */
const RESET_SESSION = 'CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD PLANS; DISCARD TEMP; DISCARD SEQUENCES';

/**
 * The same reset for a prepared hook, keeping the hooks' own prepared statements (and their plans):
 * without `DEALLOCATE ALL` and `DISCARD PLANS`, then the count of any other prepared statement —
 * one the hook's functions made (none should) sends the connection through DISCARD ALL instead.
 */
const resetKeeping = (names: readonly string[]) =>
  `CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES;
SELECT count(*)::int AS others FROM pg_prepared_statements WHERE NOT (name = ANY (ARRAY[${names.map((n) => escapeLiteral(n)).join(', ')}]::text[]))`;

/**
 * Errors after which a prepared hook runs again unprepared, in the same firing (the message's
 * implicit block rolled back before the hook's statement ran): its result columns changed under a
 * migration (0A000 from RevalidateCachedQuery — the routine, not the message, which the server's
 * lc_messages translates), or the statement is not where this engine thinks it is (26000 "does not
 * exist", 42P05 "already exists": a pooler between us and the server, e.g. pgbouncer in
 * transaction mode, hands out other server connections). The unprepared path's reset deallocates.
 */
const rerunUnprepared = (e: unknown) => {
  const err = e as { code?: string; routine?: string };
  return (err.code === '0A000' && err.routine === 'RevalidateCachedQuery') || err.code === '26000' || err.code === '42P05';
};

async function cancelOnAbort(signal: AbortSignal, pool: pg.Pool | null, pid: number | null): Promise<() => void> {
  const onAbort = () => {
    if (pool && pid !== null) void pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

async function inTransaction(client: LifecycleSqlClient, input: AttemptInput<SqlHookConfig>): Promise<AttemptResult> {
  return withTxLock(client, async () => {
    const pidRow = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0] as { pid: number } | undefined;
    const stopCancel = await cancelOnAbort(input.signal, input.pool, pidRow?.pid ?? null);
    await client.query('SAVEPOINT confiture_hook');
    try {
      await client.query("SELECT set_config('confiture.hook_context', $1, true)", [JSON.stringify(input.ctx)]);
      const raw = await client.query(input.hook.sql);
      const r = interpret(raw);
      if (r.ok) await client.query('RELEASE SAVEPOINT confiture_hook');
      else await client.query('ROLLBACK TO SAVEPOINT confiture_hook; RELEASE SAVEPOINT confiture_hook');
      return r;
    } catch (e) {
      await client.query('ROLLBACK TO SAVEPOINT confiture_hook; RELEASE SAVEPOINT confiture_hook').catch(() => undefined);
      if (input.signal.aborted) return { ok: false, output: null, error: `cancelled after its ${input.timeoutMs} ms timeout`, timedOut: true };
      return { ok: false, output: null, error: pgMessage(e) };
    } finally {
      stopCancel();
    }
  });
}

/**
 * A prepared hook in one message: the context, PREPARE (the connection's first firing), EXECUTE,
 * the reset keeping the hooks' statements, the check for any other. Its result, and whether the
 * reset is done (not when something else was prepared on the connection); null when it must run
 * unprepared (see rerunUnprepared: the block rolled back before the hook's statement ran).
 */
async function runPrepared(client: pg.PoolClient, name: string, context: string, input: AttemptInput<SqlHookConfig>): Promise<{ raw: unknown; reset: boolean } | null> {
  const names = preparedOn.get(client) ?? new Set<string>();
  const fresh = !names.has(name);
  try {
    const results = (await client.query(`${context};\n${fresh ? `PREPARE ${name} AS ${input.hook.sql}\n;\n` : ''}EXECUTE ${name};\n${resetKeeping(fresh ? [...names, name] : [...names])}`)) as unknown as SqlResult[];
    preparedOn.set(client, names.add(name));
    return { raw: results[fresh ? 2 : 1], reset: (results.at(-1)?.rows[0] as { others?: number } | undefined)?.others === 0 };
  } catch (e) {
    if (!rerunUnprepared(e) || input.signal.aborted) throw e;
    // the unprepared run's reset deallocates the stale statement
    preparedOn.delete(client);
    return null;
  }
}

/**
 * A pooled connection is reused from one firing to the next (a new backend per firing cost more
 * than the hook itself): when the hook returns with the connection idle and not timed out,
 * `DISCARD ALL` (session settings and roles, the hook context, temp tables, prepared statements,
 * advisory locks, LISTEN) runs in the background and the connection goes back to the pool; a
 * connection left inside a transaction, after a timeout or whose reset fails is destroyed.
 */
async function onPool(pool: pg.Pool, input: AttemptInput<SqlHookConfig>): Promise<AttemptResult> {
  const client = await pool.connect();
  let reusable = false;
  /** reset in the hook's own message (RESET_SESSION), else DISCARD ALL before the connection goes back */
  let resetDone = false;
  try {
    // the backend pid from the connection's BackendKeyData (no round trip)
    const known = (client as unknown as { processID?: unknown }).processID;
    const pid = typeof known === 'number' ? known : ((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? null);
    const stopCancel = await cancelOnAbort(input.signal, pool, pid);
    try {
      const how = await sendingOf(input.hook.sql);
      const context = `SELECT set_config('confiture.hook_context', ${escapeLiteral(JSON.stringify(input.ctx))}, false)`;
      let sent = how.prepared !== null ? await runPrepared(client, how.prepared, context, input) : null;
      if (!sent && how.withContext) {
        // one message: the context (a quoted literal, PQescapeLiteral's rules), the hook's statement, the session reset
        const out: unknown = await client.query(`${context};\n${input.hook.sql}\n;\n${RESET_SESSION}`);
        preparedOn.delete(client);
        // the hook's result: the second of the message's (its SQL is exactly one statement)
        sent = { raw: Array.isArray(out) ? out[1] : out, reset: true };
      } else if (!sent) {
        await client.query("SELECT set_config('confiture.hook_context', $1, false)", [JSON.stringify(input.ctx)]);
        sent = { raw: await client.query(input.hook.sql), reset: false };
      }
      resetDone = sent.reset;
      const raw = sent.raw;
      reusable = !input.signal.aborted && client.getTransactionStatus() === 'I';
      return interpret(raw);
    } catch (e) {
      if (input.signal.aborted) return { ok: false, output: null, error: `cancelled after its ${input.timeoutMs} ms timeout`, timedOut: true };
      return { ok: false, output: null, error: pgMessage(e) };
    } finally {
      stopCancel();
    }
  } finally {
    // a hook may leave a transaction open or session settings behind: never hand that connection back as it is
    if (reusable && resetDone) client.release();
    else if (reusable) {
      preparedOn.delete(client);
      client.query('DISCARD ALL').then(
        () => client.release(),
        () => client.release(true),
      );
    } else client.release(true);
  }
}

export async function runSqlHook(input: AttemptInput<SqlHookConfig>): Promise<AttemptResult> {
  if (input.hook.inTransaction && input.transactionClient) return inTransaction(input.transactionClient, input);
  if (!input.pool) return { ok: false, output: null, error: 'no database connection: sql hooks need a connection (--db)' };
  return onPool(input.pool, input);
}
