/**
 * The rehearsal trace shows every lock a statement holds (and since which statement), what it
 * newly acquired, and — each migration rehearsed alone — the locks it takes itself, even when an
 * earlier pending migration already holds them. Pinned against pg_locks read independently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../src-main/engine';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_rehearsal_locks');
});
afterAll(async () => {
  await db.drop();
});

const M = {
  '0002_add_currency.up.sql': 'ALTER TABLE shop_orders ADD COLUMN currency text;',
  '0003_tighten_total.up.sql': 'ALTER TABLE shop_orders ALTER COLUMN total TYPE numeric(12, 2);',
  '0004_note.up.sql': 'ALTER TABLE shop_orders ALTER COLUMN note SET NOT NULL;\nALTER TABLE shop_orders RENAME COLUMN note TO remark;',
  '0005_use_currency.up.sql': "UPDATE shop_orders SET currency = 'EUR';",
};

/** Ground truth: the migration run alone in a fresh transaction, pg_locks read after each statement. */
async function truth(sql: string[]): Promise<{ relation: string; mode: string }[][]> {
  const c = await db.pool.connect();
  try {
    await c.query('BEGIN');
    const out: { relation: string; mode: string }[][] = [];
    let seen = new Set<string>();
    for (const s of sql) {
      await c.query(s);
      const r = await c.query<{ relation: string; mode: string }>(
        `SELECT DISTINCT l.relation::regclass::text AS relation, l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE l.pid = pg_backend_pid() AND l.granted AND l.locktype = 'relation' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')`,
      );
      out.push(r.rows.filter((l) => !seen.has(`${l.relation}:${l.mode}`)));
      seen = new Set([...seen, ...r.rows.map((l) => `${l.relation}:${l.mode}`)]);
    }
    return out;
  } finally {
    await c.query('ROLLBACK');
    c.release();
  }
}

const sorted = (l: { relation: string; mode: string }[]) => [...l].map((x) => `${x.relation}:${x.mode}`).sort();

describe('rehearsal lock trace', () => {
  it('shows each migration its own locks, every lock held with its origin, and what each statement acquired', async () => {
    const p = engineProject({ '0001_base.up.sql': "CREATE TABLE shop_orders (id int primary key, total numeric, note text DEFAULT 'x'); INSERT INTO shop_orders SELECT g, g, 'n' FROM generate_series(1, 50) g;" });
    await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
    for (const [f, sql] of Object.entries(M)) p.write(f, sql);
    const r = await runMigrations(p.open(), urlTarget(db.url), { kind: 'dry_run' });
    expect(r.ok).toBe(true);
    const at = (v: string, i: number) => r.rehearsal!.find((x) => x.version === v && x.index === i)!;

    // 0003 in the plan: the AccessExclusiveLock is already held since 0002, so nothing is new ...
    expect(at('0003', 0).locks).not.toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock' });
    // ... but it is shown as held, since 0002#0, and as 0003's own lock (rehearsed alone)
    expect(at('0003', 0).locksHeld).toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock', since: { version: '0002', index: 0 } });
    expect(at('0003', 0).ownLocksFrom).toBe('isolated');
    expect(at('0003', 0).ownLocks).toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock' });
    // SET NOT NULL and RENAME COLUMN: held locks visible on both statements
    for (const i of [0, 1]) expect(at('0004', i).locksHeld).toContainEqual(expect.objectContaining({ relation: 'shop_orders', mode: 'AccessExclusiveLock' }));
    expect(at('0004', 0).ownLocks).toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock' });
    expect(at('0004', 1).locksHeld).toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock', since: { version: '0002', index: 0 } });
    // the first migration of the plan: its new locks are its own
    expect(at('0002', 0).ownLocksFrom).toBe('plan');
    expect(at('0002', 0).locks).toContainEqual({ relation: 'shop_orders', mode: 'AccessExclusiveLock' });
    // a migration that needs an earlier pending one cannot run alone: it says so
    expect(at('0005', 0).ownLocksFrom).toBe('depends');
    expect(at('0005', 0).ownLocks).toBeUndefined();
    expect(at('0005', 0).locksHeld).toContainEqual({ relation: 'shop_orders', mode: 'RowExclusiveLock', since: { version: '0005', index: 0 } });

    // pinned against pg_locks: every isolated migration's own locks equal the truth read alone
    for (const v of ['0003', '0004']) {
      const stmts = r.rehearsal!.filter((x) => x.version === v);
      const sql = Object.entries(M).find(([f]) => f.startsWith(v))![1].split('\n');
      const t = await truth(sql);
      stmts.forEach((s, i) => expect(sorted(s.ownLocks!)).toEqual(sorted(t[i]!)));
    }
    // and "held" is the union of everything acquired so far in the rehearsal
    const seen = new Set<string>();
    for (const s of r.rehearsal!) {
      for (const l of s.locks) seen.add(`${l.relation}:${l.mode}`);
      expect(sorted(s.locksHeld!)).toEqual([...seen].sort());
    }
    p.remove();
  });
});
