/**
 * False positives a DBA found in the verdicts, each pinned on the real server (embedded 18, and
 * PG 15 via DATABASE_URL): what pg_locks shows for the statement, and that lint (with the
 * catalog of the live database, and without) stays silent where the statement is safe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { initParser, parseSql } from '../../../src-main/parse';
import { analyzeLocks, newPlanChecks, strongest, traceStatement, type LockMode } from '../../../src-main/locks';
import { snapshotCatalog } from '../../../src-main/catalog';
import { composeRuleSet, lintParsed } from '../../../src-main/lint';
import { toLintCatalog } from '../../../src-main/review';
import type { CatalogSnapshot } from '../../../src-shared/domain/catalog';

let db: TestDatabase;
let client: pg.Client;

const SCHEMA = `
CREATE TABLE measurements (id bigint NOT NULL, at date NOT NULL, value numeric) PARTITION BY RANGE (at);
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
INSERT INTO measurements SELECT g, date '2025-01-01' + (g % 700), g FROM generate_series(1, 2000) g;
CREATE INDEX measurements_at_idx ON ONLY measurements (at);
CREATE INDEX measurements_2025_at_idx ON measurements_2025 (at);
CREATE INDEX measurements_2026_at_idx ON measurements_2026 (at);
CREATE TABLE readings (id bigint PRIMARY KEY, value numeric);
INSERT INTO readings SELECT g, g FROM generate_series(1, 2000) g;
`;

beforeAll(async () => {
  await initParser();
  db = await createTestDatabase('cf_verdict_fp');
  await db.pool.query(SCHEMA);
  await db.pool.query('ANALYZE');
  client = await db.client();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

const TABLE_KINDS = new Set(['r', 'p', 'm', 'f', 'v']);

function strongestBy(pairs: { relation: string; mode: LockMode }[]): Record<string, LockMode> {
  const out: Record<string, LockMode[]> = {};
  for (const p of pairs) (out[p.relation] ??= []).push(p.mode);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, strongest(v)!]));
}

async function traced(sql: string) {
  await client.query('BEGIN');
  try {
    return await traceStatement(client, sql);
  } finally {
    await client.query('ROLLBACK');
  }
}

function lint(sql: string, rules: string[], catalog: CatalogSnapshot | null) {
  const ruleSet = composeRuleSet({ libraries: [], overrides: Object.fromEntries(rules.map((r) => [r, {}])), pgVersion: Math.floor(db.serverVersionNum / 10000) } as never);
  return lintParsed(parseSql(sql, 'v.sql'), { ruleSet, ...(catalog ? { catalog: toLintCatalog(catalog) } : {}) }).findings.filter((f) => rules.includes(f.rule));
}

describe('CREATE INDEX … ON ONLY a partitioned parent', () => {
  const sql = 'CREATE INDEX measurements_value_idx ON ONLY measurements (value)';

  it('takes ShareLock on the parent only, scans nothing, and the locks service says so', async () => {
    const trace = await traced(sql);
    expect(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)))).toEqual({ measurements: 'ShareLock' });
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    for (const s of [analyzeLocks(parseSql(sql), { pgVersion: db.serverVersionNum, catalog }).statements[0]!, analyzeLocks(parseSql(sql), { pgVersion: db.serverVersionNum }).statements[0]!]) {
      expect(s.rules).toEqual(['create_index.only']);
      expect(s.locks.map((l) => [l.relation, l.mode])).toEqual([['measurements', 'ShareLock']]);
      expect(s.scans).toBe(false);
      expect(s.operation).toBe('catalog');
    }
  });

  it('cannot be CONCURRENTLY, so require-concurrent-index-creation does not ask for it', async () => {
    await expect(db.pool.query('CREATE INDEX CONCURRENTLY measurements_value_c_idx ON ONLY measurements (value)')).rejects.toThrow(/partitioned table/);
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    expect(lint(sql, ['require-concurrent-index-creation'], catalog)).toEqual([]);
    expect(lint(sql, ['require-concurrent-index-creation'], null)).toEqual([]);
  });

  it('still reports ON ONLY of a plain table when the catalog says it is one (an ordinary index build)', async () => {
    const plain = 'CREATE INDEX readings_value_idx ON ONLY readings (value)';
    const trace = await traced(plain);
    expect(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)))).toEqual({ readings: 'ShareLock' });
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    expect(analyzeLocks(parseSql(plain), { pgVersion: db.serverVersionNum, catalog }).statements[0]!.rules).toEqual(['create_index']);
    expect(lint(plain, ['require-concurrent-index-creation'], catalog).map((f) => f.rule)).toEqual(['require-concurrent-index-creation']);
  });
});

describe('ALTER INDEX … ATTACH PARTITION', () => {
  const sql = 'ALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2025_at_idx;\nALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2026_at_idx';

  it('locks both tables ACCESS SHARE only (catalog-only), as the locks service says with a catalog', async () => {
    const first = 'ALTER INDEX measurements_at_idx ATTACH PARTITION measurements_2025_at_idx';
    const trace = await traced(first);
    const observed = strongestBy(trace.locks);
    expect(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)))).toEqual({ measurements: 'AccessShareLock', measurements_2025: 'AccessShareLock' });
    expect(observed.measurements_at_idx).toBe('ShareUpdateExclusiveLock');
    expect(observed.measurements_2025_at_idx).toBe('AccessExclusiveLock');
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    const s = analyzeLocks(parseSql(first), { pgVersion: db.serverVersionNum, catalog }).statements[0]!;
    expect(s.rules).toEqual(['alter_index.attach_partition']);
    expect(strongestBy(s.locks)).toEqual(observed);
    expect(s.unknowns ?? []).toEqual([]);
    // without a catalog: the tables of the indexes are named as unknown, never silently missed
    const off = analyzeLocks(parseSql(first), { pgVersion: db.serverVersionNum }).statements[0]!;
    expect(off.unknowns?.some((u) => u.fact === 'locks')).toBe(true);
  });

  it('two attaches to the same parent index are not "multiple ALTER TABLE" (they cannot be combined)', async () => {
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    await client.query('BEGIN');
    try {
      for (const s of sql.split(';\n')) await client.query(s); // both run on the server as written
    } finally {
      await client.query('ROLLBACK');
    }
    expect(lint(sql, ['multiple-alter-table'], catalog)).toEqual([]);
    expect(lint(sql, ['multiple-alter-table'], null)).toEqual([]);
    // two ALTER TABLEs of one table still are
    expect(lint('ALTER TABLE readings ADD COLUMN a int;\nALTER TABLE readings ADD COLUMN b int;', ['multiple-alter-table'], catalog)).toHaveLength(1);
  });
});

describe('misses found by bench/locks on a corpus of our own statements', () => {
  it('CREATE OR REPLACE VIEW of a view created earlier in the same file locks it too', async () => {
    const sql = 'CREATE VIEW reading_values AS SELECT id FROM readings;\nCREATE OR REPLACE VIEW reading_values AS SELECT id, value FROM readings';
    const s = analyzeLocks(parseSql(sql), { pgVersion: db.serverVersionNum }).statements[1]!;
    expect(s.rules).toEqual(['create_or_replace_view']);
    expect(s.locks).toContainEqual(expect.objectContaining({ relation: 'reading_values', mode: 'AccessExclusiveLock', existing: false }));
    // the server: replacing the (committed) view locks it ACCESS EXCLUSIVE
    await db.pool.query('CREATE VIEW reading_values AS SELECT id FROM readings');
    try {
      const trace = await traced('CREATE OR REPLACE VIEW reading_values AS SELECT id, value FROM readings');
      expect(strongestBy(trace.locks).reading_values).toBe('AccessExclusiveLock');
    } finally {
      await db.pool.query('DROP VIEW reading_values');
    }
  });

  it('INSERT into a partitioned table: which partitions are locked depends on the rows (unknown, not guessed)', async () => {
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    const sql = "INSERT INTO measurements SELECT g, date '2025-03-01', g FROM generate_series(1, 5) g";
    const trace = await traced(sql);
    expect(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)))).toEqual({ measurements: 'RowExclusiveLock', measurements_2025: 'RowExclusiveLock' });
    const s = analyzeLocks(parseSql(sql), { pgVersion: db.serverVersionNum, catalog }).statements[0]!;
    expect(s.unknowns?.some((u) => u.fact === 'locks' && /depends on the rows/.test(u.reason))).toBe(true);
  });

  it('DROP STATISTICS locks its table: named from the catalog (pg_statistic_ext); without one named as unknown, never silently missed', async () => {
    await db.pool.query('CREATE STATISTICS IF NOT EXISTS readings_stats (dependencies) ON id, value FROM readings');
    const trace = await traced('DROP STATISTICS readings_stats');
    expect(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)))).toEqual({ readings: 'ShareUpdateExclusiveLock' });
    const catalog = await snapshotCatalog(client, { windowMs: 0 });
    const s = analyzeLocks(parseSql('DROP STATISTICS readings_stats'), { pgVersion: db.serverVersionNum, catalog }).statements[0]!;
    expect(s.locks).toEqual([expect.objectContaining({ relation: 'readings', mode: 'ShareUpdateExclusiveLock', role: 'target', existing: true })]);
    expect(s.unknowns ?? []).toEqual([]);
    const off = analyzeLocks(parseSql('DROP STATISTICS readings_stats'), { pgVersion: db.serverVersionNum }).statements[0]!;
    expect(off.locks).toContainEqual(expect.objectContaining({ relation: '(table of statistics readings_stats)', mode: 'ShareUpdateExclusiveLock', unresolved: true }));
    expect(off.unknowns?.some((u) => u.fact === 'locks')).toBe(true);
  });

  it('a type change of a non-key column does not lock the tables whose foreign keys point at the primary key (plan, no catalog)', async () => {
    const plan = newPlanChecks();
    analyzeLocks(parseSql('CREATE TABLE owners (id bigserial PRIMARY KEY, label varchar(20));\nCREATE TABLE pets (id int, owner_id bigint REFERENCES owners)'), { pgVersion: db.serverVersionNum, plan });
    const s = analyzeLocks(parseSql('ALTER TABLE owners ALTER COLUMN label TYPE varchar(40)'), { pgVersion: db.serverVersionNum, plan }).statements[0]!;
    expect(s.locks.map((l) => l.relation)).toEqual(['owners']);
    const key = analyzeLocks(parseSql('ALTER TABLE owners ALTER COLUMN id TYPE int'), { pgVersion: db.serverVersionNum, plan }).statements[0]!;
    expect(key.locks.map((l) => [l.relation, l.mode])).toContainEqual(['pets', 'AccessExclusiveLock']);
    await db.pool.query('CREATE TABLE owners (id bigserial PRIMARY KEY, label varchar(20)); CREATE TABLE pets (id int, owner_id bigint REFERENCES owners)');
    try {
      const trace = await traced('ALTER TABLE owners ALTER COLUMN label TYPE varchar(40)');
      expect(Object.keys(strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind))))).toEqual(['owners']);
      const onKey = await traced('ALTER TABLE owners ALTER COLUMN id TYPE int');
      expect(strongestBy(onKey.locks.filter((l) => TABLE_KINDS.has(l.relkind))).pets).toBe('AccessExclusiveLock');
    } finally {
      await db.pool.query('DROP TABLE pets, owners');
    }
  });

  it('CREATE INDEX on a partitioned table the plan created and attached to locks its partitions, without a catalog', () => {
    const plan = newPlanChecks();
    analyzeLocks(
      parseSql("CREATE TABLE m (id int, at date) PARTITION BY RANGE (at);\nCREATE TABLE m_1 PARTITION OF m FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');\nCREATE TABLE m_2 (id int, at date);\nALTER TABLE m ATTACH PARTITION m_2 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\nALTER TABLE m DETACH PARTITION m_1"),
      { pgVersion: db.serverVersionNum, plan },
    );
    const s = analyzeLocks(parseSql('CREATE INDEX m_at ON m (at)'), { pgVersion: db.serverVersionNum, plan }).statements[0]!;
    expect(s.rules).toEqual(['create_index.partitioned']);
    expect(s.locks.map((l) => [l.relation, l.mode])).toEqual([
      ['m', 'ShareLock'],
      ['m_2', 'ShareLock'],
    ]);
  });
});
