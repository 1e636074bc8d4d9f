/**
 * The listeners every run gets (src-main/lifecycle): the review phases reach hooks in order,
 * the approval policy gates `migrate up`, an approval bound to the file's checksum lets it
 * through, and editing the file invalidates it again.
 */
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordDecision } from '../../../src-main/approval';
import { runMigrations, urlTarget } from '../../../src-main/engine';
import { standardListeners } from '../../../src-main/lifecycle';
import { openValidProject } from '../../../src-main/project';
import { reviewProject } from '../../../src-main/review';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

const CONFIG = `name: gated
engine:
  lockTimeout: 2s
risk:
  requireApprovalAbove: low
hooks:
  hooks:
    - id: review-audit
      on: [before_lint, after_lint, before_risk, after_risk, before_approval, after_approval]
      kind: sql
      sql: "SELECT true AS ok"
`;

describe('standard run listeners', () => {
  let db: TestDatabase;
  let project: TempProject;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric)');
    await db.pool.query('INSERT INTO orders SELECT g, g % 1000, g FROM generate_series(1, 20000) g');
    await db.pool.query('ANALYZE orders');
    project = makeProject(
      {
        // a rewrite of a busy table under ACCESS EXCLUSIVE, with no way back: not low risk
        '0001_index_orders_customer.up.sql': 'CREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders ALTER COLUMN total TYPE text;\nALTER TABLE orders DROP COLUMN customer_id;\n',
      },
      CONFIG,
    );
  });

  afterAll(async () => {
    await db.drop();
    project.remove();
  });

  async function migrateUp() {
    const p = openValidProject(project.dir);
    const standard = standardListeners(p, db.pool, {
      connect: async () => {
        const c = new pg.Client({ connectionString: db.url });
        await c.connect();
        return c;
      },
      connectionLabel: 'test',
      appVersion: 'test',
    });
    const report = await runMigrations(p, urlTarget(db.url), { kind: 'up', appVersion: 'test', listeners: standard.listeners });
    return { report, standard };
  }

  /** the migration ran when orders.total became text */
  async function migrationApplied(): Promise<boolean> {
    const r = await db.pool.query("SELECT data_type FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'total'");
    return r.rows[0]?.data_type === 'text';
  }

  it('refuses an unapproved risky migration before it starts, naming the approve command', async () => {
    const { report, standard } = await migrateUp();
    expect(report.error?.code).toBe('policy_failure');
    expect(report.error?.message).toMatch(/confiture approve 0001/);
    expect(await migrationApplied()).toBe(false);
    // the review ran first, and its phases reached the hooks in order
    const phases = standard.hooks.executions(report.runId).map((e) => e.phase);
    expect(phases).toEqual(['before_lint', 'after_lint', 'before_risk', 'after_risk', 'before_approval', 'after_approval']);
    expect(standard.riskReport()?.migrations[0]?.version).toBe('0001');
  });

  it('applies once approved, and an edited file needs a new approval', async () => {
    const p = openValidProject(project.dir);
    const report = await reviewProject(p, db.pool, { versions: ['0001'] });
    await recordDecision(p, db.pool, { version: '0001', decision: 'approved', by: 'Dana DBA', comment: 'off-peak window', risk: report.migrations[0]! });
    const { report: run } = await migrateUp();
    expect(run.error).toBeUndefined();
    expect(await migrationApplied()).toBe(true);

    // roll back, edit the file: the approval no longer holds
    await db.pool.query('DROP TABLE orders');
    await db.pool.query('CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, total numeric)');
    await db.pool.query('INSERT INTO orders SELECT g, g % 1000, g FROM generate_series(1, 20000) g');
    await db.pool.query("DELETE FROM confiture.applied_migrations WHERE version = '0001'");
    const file = path.join(project.migrationsDir, '0001_index_orders_customer.up.sql');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('(customer_id)', '(customer_id, id)'));
    const { report: again } = await migrateUp();
    expect(again.error?.code).toBe('policy_failure');
    expect(await migrationApplied()).toBe(false);
  });
});
