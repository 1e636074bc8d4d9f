/**
 * Locks a statement takes on relations other than the one it names, and rewrites that depend on
 * the server (TimeZone, function volatility): each case runs on the real server in a rolled-back
 * transaction; with the catalog snapshot the analysis must match pg_locks/relfilenode exactly,
 * without one it must match or say "unknown" — never silently claim less.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { initParser, parseSql } from '../../../src-main/parse';
import { analyzeLocks, FIXTURE_SQL, newPlanChecks, strongest, traceStatement, type LockMode } from '../../../src-main/locks';
import { snapshotCatalog } from '../../../src-main/catalog';
import type { StatementLocks } from '../../../src-shared/domain/locks';

let db: TestDatabase;
let client: pg.Client;

const EXTRA = `
CREATE VIEW order_view AS SELECT id, status FROM orders;
CREATE SCHEMA side;
CREATE TABLE side.notes (id int);
CREATE FUNCTION side.stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER customers_stamp BEFORE INSERT ON customers FOR EACH ROW EXECUTE FUNCTION side.stamp();
CREATE TABLE stamps (id int, at timestamp, at_tz timestamptz);
INSERT INTO stamps SELECT g, now(), now() FROM generate_series(1, 50) g;
CREATE FUNCTION next_token() RETURNS int LANGUAGE plpgsql VOLATILE AS 'BEGIN RETURN 1; END';
CREATE FUNCTION current_region() RETURNS text LANGUAGE plpgsql STABLE AS 'BEGIN RETURN ''eu''; END';
CREATE TYPE order_mood AS ENUM ('calm', 'angry');
CREATE TABLE feedback (id int, mood order_mood);
`;

beforeAll(async () => {
  await initParser();
  db = await createTestDatabase('cf_locks_other');
  await db.pool.query(FIXTURE_SQL);
  await db.pool.query(EXTRA);
  client = await db.client();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const KINDS = new Set(['r', 'p', 'm', 'f', 'v', 'S']);

function byRelation(pairs: { relation: string; mode: LockMode }[]): Record<string, LockMode> {
  const out: Record<string, LockMode[]> = {};
  for (const p of pairs) (out[p.relation] ??= []).push(p.mode);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, strongest(v)!]));
}

interface Case {
  name: string;
  /** what the analysis cannot know without a catalog (documented limitation): those relations may be missed offline */
  offlineBlindTo?: string[];
  /** statements run before the traced one, in the same transaction (and analysed with it) */
  before?: string[];
  sql: string;
}

const CASES: Case[] = [
  { name: 'DROP COLUMN of a foreign-key column locks the referenced table', sql: 'ALTER TABLE order_items DROP COLUMN order_id' },
  { name: 'DROP COLUMN … CASCADE of a referenced key locks the referencing table and drops dependent views', sql: 'ALTER TABLE orders DROP COLUMN id CASCADE' },
  { name: 'DROP FUNCTION … CASCADE locks the table whose trigger it drops', sql: 'DROP FUNCTION touch() CASCADE' },
  { name: 'DROP SCHEMA … CASCADE locks its tables and tables whose triggers call its functions', sql: 'DROP SCHEMA side CASCADE' },
  { name: 'DROP TYPE … CASCADE locks tables with a column of the type', sql: 'DROP TYPE order_mood CASCADE' },
  { name: 'DROP TABLE … CASCADE locks referencing tables and dependent views', sql: 'DROP TABLE orders CASCADE' },
  { name: 'DROP INDEX locks the table of the index', sql: 'DROP INDEX orders_status_idx' },
  { name: 'REINDEX INDEX locks the table of the index', sql: 'REINDEX INDEX orders_status_idx' },
  { name: 'DROP VIEW keeps the view\'s ACCESS EXCLUSIVE with a catalog', sql: 'DROP VIEW order_view' },
  { name: 'CREATE OR REPLACE VIEW locks the view its readers use', sql: 'CREATE OR REPLACE VIEW order_view AS SELECT id, status, total FROM orders' },
  { name: 'ALTER COLUMN TYPE of a foreign-key column locks the referenced table', sql: 'ALTER TABLE order_items ALTER COLUMN order_id TYPE int' },
  // without a catalog (or a plan that created them) the partitions of a table are not known
  { name: 'ALTER TABLE on a partitioned table locks every partition', sql: 'ALTER TABLE events ADD COLUMN source text', offlineBlindTo: ['events_2024', 'events_2025'] },
  { name: 'ADD COLUMN with a volatile user function DEFAULT rewrites', sql: 'ALTER TABLE orders ADD COLUMN token int DEFAULT next_token()' },
  { name: 'ADD COLUMN with a stable user function DEFAULT does not rewrite', sql: 'ALTER TABLE orders ADD COLUMN region text DEFAULT current_region()' },
  { name: 'ADD COLUMN of an enum type does not rewrite', sql: "ALTER TABLE orders ADD COLUMN mood order_mood DEFAULT 'calm'" },
  { name: 'timestamp → timestamptz does not rewrite under TimeZone UTC', before: ["SET LOCAL TimeZone = 'UTC'"], sql: 'ALTER TABLE stamps ALTER COLUMN at TYPE timestamptz' },
  { name: 'timestamp → timestamptz rewrites under another TimeZone', before: ["SET LOCAL TimeZone = 'Europe/Paris'"], sql: 'ALTER TABLE stamps ALTER COLUMN at TYPE timestamptz' },
  { name: 'ANALYZE without a table locks every table of the database', sql: 'ANALYZE' },
  { name: 'DELETE without WHERE from a partitioned table locks every partition', sql: 'DELETE FROM events', offlineBlindTo: ['events_2024', 'events_2025'] },
  { name: 'timestamptz → timestamp does not rewrite under a zero-offset zone name', before: ["SET LOCAL TimeZone = 'Etc/UTC'"], sql: 'ALTER TABLE stamps ALTER COLUMN at_tz TYPE timestamp' },
];

/** The analysis' view of the traced statement, comparable with the trace. */
function claimed(s: StatementLocks, indexes: Set<string>): Record<string, LockMode> {
  return byRelation(s.locks.filter((l) => l.existing && !l.unresolved && l.role !== 'index' && !indexes.has(l.relation)));
}

describe('locks on other tables and server-dependent rewrites, against pg_locks', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const catalog = await snapshotCatalog(client, { windowMs: 0 });
      const indexes = new Set(catalog.indexes.map((i) => (i.schema === 'public' ? i.name : `${i.schema}.${i.name}`)));
      const file = parseSql([...(c.before ?? []), c.sql].join(';\n'));
      const withCatalog = analyzeLocks(file, { pgVersion: db.serverVersionNum, catalog }).statements.at(-1)!;
      const without = analyzeLocks(file, { pgVersion: db.serverVersionNum }).statements.at(-1)!;
      await client.query('BEGIN');
      let trace;
      try {
        for (const b of c.before ?? []) await client.query(b);
        trace = await traceStatement(client, c.sql);
      } finally {
        await client.query('ROLLBACK');
      }
      const observed = byRelation(trace.locks.filter((l) => KINDS.has(l.relkind)));
      const facts = JSON.stringify({ trace, withCatalog: withCatalog.locks, unknowns: withCatalog.unknowns });
      expect(claimed(withCatalog, indexes), facts).toEqual(observed);
      expect(withCatalog.unknowns, facts).toEqual([]);
      const target = withCatalog.locks.find((l) => l.role === 'target' && !indexes.has(l.relation));
      if (target && KINDS.has(trace.locks.find((l) => l.relation === target.relation)?.relkind ?? '')) {
        expect(trace.rewritten.includes(target.relation), facts).toBe(withCatalog.rewrites);
      }
      // without a catalog: right, or explicitly unknown — never a silent miss
      const offline = claimed(without, new Set([...indexes]));
      const missed = Object.entries(observed).filter(([rel, mode]) => offline[rel] !== mode && !c.offlineBlindTo?.includes(rel));
      if (missed.length) expect(without.unknowns?.some((u) => u.fact === 'locks'), `offline missed ${JSON.stringify(missed)}`).toBe(true);
      if (target && trace.rewritten.includes(target.relation) !== without.rewrites) expect(without.unknowns?.some((u) => u.fact === 'rewrite'), 'offline rewrite').toBe(true);
    });
  }

  it('knows the partitions a plan created, without a catalog', () => {
    const file = parseSql("CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE m_2025 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')");
    const plan = newPlanChecks();
    analyzeLocks(file, { pgVersion: 15, plan });
    const s = analyzeLocks(parseSql('ALTER TABLE m ADD COLUMN note text'), { pgVersion: 15, plan }).statements[0]!;
    expect(s.locks.map((l) => [l.relation, l.mode])).toEqual([
      ['m', 'AccessExclusiveLock'],
      ['m_2025', 'AccessExclusiveLock'],
    ]);
  });

  it('names the table of an index without a catalog rather than nothing', () => {
    const s = analyzeLocks(parseSql('DROP INDEX orders_status_idx'), { pgVersion: 15 }).statements[0]!;
    expect(s.locks).toContainEqual(expect.objectContaining({ relation: '(table of index orders_status_idx)', mode: 'AccessExclusiveLock', unresolved: true }));
    expect(s.unknowns?.map((u) => u.reason).join()).toContain('unknown without a catalog');
  });

  it('reads the TimeZone setting and function volatility into the snapshot', async () => {
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    expect(catalog.settings.TimeZone).toBeTruthy();
    expect(catalog.functions).toContainEqual({ schema: 'public', name: 'next_token', volatility: 'v', language: 'plpgsql' });
    expect(catalog.functions).toContainEqual({ schema: 'public', name: 'current_region', volatility: 's', language: 'plpgsql' });
    expect(catalog.functions).toContainEqual(expect.objectContaining({ schema: 'pg_catalog', name: 'random', volatility: 'v' }));
    expect(catalog.triggers).toContainEqual({
      table: 'public.customers',
      name: 'customers_stamp',
      function: 'side.stamp',
      events: ['insert'],
      forEachRow: true,
      when: false,
      columns: [],
      language: 'plpgsql',
      body: 'BEGIN RETURN NEW; END',
    });
    expect(catalog.relations).toContainEqual({ schema: 'public', name: 'order_view', relkind: 'v' });
  });
});
