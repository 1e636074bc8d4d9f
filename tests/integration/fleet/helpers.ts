/**
 * What the fleet tests share: a client on a database for one callback, target databases created
 * and dropped on the test server, and waiting for a rollout to settle (issue 15).
 */
import pg from 'pg';
import { reconcileRollout, rolloutStatus, type Fleet } from '../../../src-main/fleet';
import { adminUrl, urlFor } from '../../helpers/db';

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** On the test server's maintenance database (CREATE/DROP DATABASE, advisory locks). */
export const withAdmin = <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(adminUrl(), fn);

/** On one of the target databases, by name. */
export const onDatabase = <T>(name: string, fn: (c: pg.Client) => Promise<T>): Promise<T> => withClient(urlFor(name), fn);

export async function createDatabases(names: readonly string[]): Promise<void> {
  await withAdmin(async (c) => {
    for (const n of names) await c.query(`CREATE DATABASE ${c.escapeIdentifier(n)}`);
  });
}

export async function dropDatabases(names: readonly string[]): Promise<void> {
  await withAdmin(async (c) => {
    for (const n of names) await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(n)} WITH (FORCE)`);
  });
}

export type RolloutStatus = Awaited<ReturnType<typeof rolloutStatus>>;

/**
 * Polls the rollout until `done(state)` (by default: no longer running) and, once it has stopped or
 * paused, until the targets a worker had already claimed finish (they run their migration to the
 * end; nothing is left queued by a stop). With `reconcile`, each poll first reconciles job-engine
 * failures the way the supervisor does (tests without one).
 */
export async function settleRollout(
  fleet: Fleet,
  id: string,
  { done = (s: string) => s !== 'running', timeoutMs = 180_000, reconcile = true, drain = true }: { done?: (state: string) => boolean; timeoutMs?: number; reconcile?: boolean; drain?: boolean } = {},
): Promise<RolloutStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (reconcile) await reconcileRollout(fleet.ctl, id);
    const s = await rolloutStatus(fleet.ctl.pool, id);
    const draining = drain && s.rollout.state !== 'running' && s.targets.some((t) => t.state === 'running');
    if (done(s.rollout.state) && !draining) return s;
    if (Date.now() > until) throw new Error(`rollout still ${s.rollout.state}: ${JSON.stringify(s.counts)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
