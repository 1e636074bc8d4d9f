/**
 * The lock table is a set of claims about PostgreSQL. Each row with an example is executed
 * here on the real server (embedded 18, and PG 15 via DATABASE_URL) inside a rolled-back
 * transaction; pg_locks of our backend, relfilenode and the transaction's seq-scan counters
 * must match what analyzeLocks says — so the table cannot drift from the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { initParser, parseSql } from '../../../src-main/parse';
import { analyzeLocks, FIXTURE_SQL, LOCK_RULES, strongest, traceStatement, type LockMode } from '../../../src-main/locks';
import { snapshotCatalog } from '../../../src-main/catalog';
import type { CatalogSnapshot } from '../../../src-shared/domain/catalog';

let db: TestDatabase;
let client: pg.Client;
let catalog: CatalogSnapshot;
let major: number;

beforeAll(async () => {
  await initParser();
  db = await createTestDatabase('cf_locks');
  await db.pool.query(FIXTURE_SQL);
  client = await db.client();
  major = Math.floor(db.serverVersionNum / 10000);
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

// tables, partitioned tables, matviews, foreign tables, views and sequences: every relation a
// statement can make queries wait on (indexes are checked one way below)
const TABLE_KINDS = new Set(['r', 'p', 'm', 'f', 'v', 'S']);

function strongestBy(pairs: { relation: string; mode: LockMode }[]): Record<string, LockMode> {
  const out: Record<string, LockMode[]> = {};
  for (const p of pairs) (out[p.relation] ??= []).push(p.mode);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, strongest(v)!]));
}

const traced = LOCK_RULES.flatMap((r) => [...(r.example ? [r.example] : []), ...(r.moreExamples ?? [])].map((example) => ({ rule: r, example })));

describe('lock table against pg_locks', () => {
  it('has a traced example for every rule that can run in a transaction block', () => {
    const untraced = LOCK_RULES.filter((r) => r.transactional && !r.example).map((r) => r.id);
    // rules whose example would need a second tablespace/access method or PG 17 syntax
    expect(untraced.sort()).toEqual(['alter_domain.add_constraint.not_valid', 'alter_index.set_tablespace', 'alter_table.other', 'alter_table.set_access_method', 'alter_table.set_tablespace', 'unknown'].sort());
  });

  for (const { rule, example: ex } of traced) {
    it(`${rule.id}: ${ex.sql}`, async (t) => {
      if (ex.minVersion && major < ex.minVersion) t.skip();
      if (ex.setup) await client.query(ex.setup);
      try {
        catalog = await snapshotCatalog(client, { windowMs: 0 });
        const parsed = parseSql(ex.sql);
        const analysis = analyzeLocks(parsed, { pgVersion: db.serverVersionNum, catalog }).statements[0]!;
        expect(analysis.rules).toContain(rule.id);

        await client.query('BEGIN');
        let trace;
        try {
          trace = await traceStatement(client, ex.sql);
        } finally {
          await client.query('ROLLBACK');
        }
        // tables, views and matviews: the strongest mode on each must be exactly the claim
        const observedTables = strongestBy(trace.locks.filter((l) => TABLE_KINDS.has(l.relkind)));
        const claimedTables = strongestBy(analysis.locks.filter((l) => l.existing && l.role !== 'index' && !catalog.indexes.some((i) => i.name === l.relation)));
        expect(observedTables).toEqual(claimedTables);
        // indexes: each claimed index lock is really taken
        const observedAll = strongestBy(trace.locks);
        for (const l of analysis.locks.filter((x) => x.existing && (x.role === 'index' || catalog.indexes.some((i) => i.name === x.relation)))) {
          expect(observedAll[l.relation], `index ${l.relation}`).toBe(l.mode);
        }
        const target = analysis.locks.find((l) => l.role === 'target' && l.existing && !catalog.indexes.some((i) => i.name === l.relation));
        const facts = JSON.stringify({ trace, tables: analysis.tables });
        if (target) expect(trace.rewritten.includes(target.relation), `rewrites ${target.relation}: ${facts}`).toBe(analysis.rewrites);
        // scans: the relations whose size drives the duration were read in full, or none was
        const scannedClaimed = trace.scanned.filter((s) => analysis.tables.includes(s) || s === target?.relation);
        if (analysis.scans) expect(scannedClaimed.length > 0, `scans: ${facts}`).toBe(true);
        else if (!ex.scanCounterNoise) expect(scannedClaimed, `no scan: ${facts}`).toEqual([]);
      } finally {
        if (ex.teardown) await client.query(ex.teardown);
      }
    });
  }
});
