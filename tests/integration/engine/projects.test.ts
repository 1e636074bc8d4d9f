/**
 * Two projects, one database (issue 14 point 10): the tracking schema keeps projects apart by
 * project id; status, drift and history are per project; existing tracking rows are migrated.
 */
import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runHistory, runMigrations, urlTarget } from '../../../src-main/engine';
import { migrationStatus } from '../../../src-main/status';
import { ensureTrackingSchema, TRACKING_STEPS } from '../../../src-main/store';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { confiture } from '../cli/run-cli';
import { engineProject, trackingSchemaAt } from './helpers';

vi.setConfig({ testTimeout: 300_000, hookTimeout: 120_000 });

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase('cf_projects');
});
afterEach(async () => {
  await db.drop();
});

const sha = (s: string) => crypto.createHash('sha256').update(s).digest('hex');

describe('two projects on one database', () => {
  it("a second project's migrate up works (same versions, other files); status, drift and history stay per project", async () => {
    const billing = engineProject({ '0001_init.up.sql': 'CREATE TABLE invoices (id int);', '0002_more.up.sql': 'ALTER TABLE invoices ADD total numeric;' }, 'name: Billing Service\nrisk:\n  requireApprovalAbove: null\n');
    const crm = engineProject({ '0001_init.up.sql': 'CREATE TABLE contacts (id int);', '0001_init.down.sql': 'DROP TABLE contacts;' }, 'name: crm\nproject:\n  id: crm-eu\nrisk:\n  requireApprovalAbove: null\n');
    try {
      expect(billing.open().id).toBe('billing-service');
      expect(crm.open().id).toBe('crm-eu');
      const a = await confiture(['migrate', 'up', '--project', billing.dir, '--db', db.url, '--format', 'json']);
      expect(a.code, a.stdout).toBe(0);
      // before: "Applied migration file changed since it was applied: 0001_init" — the other project's row
      const b = await confiture(['migrate', 'up', '--project', crm.dir, '--db', db.url, '--format', 'json']);
      expect(b.code, b.stdout).toBe(0);
      expect(JSON.parse(b.stdout).migrations.map((m: { version: string; outcome: string }) => `${m.version}:${m.outcome}`)).toEqual(['0001:applied']);

      const rows = await db.pool.query('SELECT project, version FROM confiture.applied_migrations ORDER BY 1, 2');
      expect(rows.rows).toEqual([
        { project: 'billing-service', version: '0001' },
        { project: 'billing-service', version: '0002' },
        { project: 'crm-eu', version: '0001' },
      ]);
      // status: each sees its own files, nothing "missing" from the other
      expect((await migrationStatus(billing.open(), db.pool)).migrations.map((m) => `${m.version}:${m.state}`)).toEqual(['0001:applied', '0002:applied']);
      expect((await migrationStatus(crm.open(), db.pool)).migrations.map((m) => `${m.version}:${m.state}`)).toEqual(['0001:applied']);
      const st = await confiture(['status', '--project', crm.dir, '--db', db.url, '--format', 'json']);
      expect(JSON.parse(st.stdout)).toMatchObject({ projectId: 'crm-eu', migrations: [{ version: '0001', state: 'applied' }] });

      // history per project
      const hb = await runHistory(db.pool, billing.open());
      const hc = await runHistory(db.pool, crm.open());
      expect(hb.map((r) => r.migrations.map((m) => m.version))).toEqual([['0001', '0002']]);
      expect(hc.map((r) => r.migrations.map((m) => m.version))).toEqual([['0001']]);

      // drift per project: billing's edited file stops billing, not crm
      billing.write('0001_init.up.sql', 'CREATE TABLE invoices (id bigint);');
      crm.write('0002_phone.up.sql', 'ALTER TABLE contacts ADD phone text;');
      crm.write('0002_phone.down.sql', 'ALTER TABLE contacts DROP phone;');
      const drifted = await confiture(['migrate', 'up', '--project', billing.dir, '--db', db.url, '--format', 'json']);
      expect(drifted.code).not.toBe(0);
      expect(JSON.parse(drifted.stdout).error.message).toMatch(/changed since it was applied: 0001_init/);
      expect((await runMigrations(crm.open(), urlTarget(db.url), { kind: 'up' })).ok).toBe(true);
      // down reverts only the project's own row
      expect((await runMigrations(crm.open(), urlTarget(db.url), { kind: 'down', steps: 2 })).ok).toBe(true);
      expect((await db.pool.query('SELECT project, version FROM confiture.applied_migrations ORDER BY 1, 2')).rows).toEqual([
        { project: 'billing-service', version: '0001' },
        { project: 'billing-service', version: '0002' },
      ]);
    } finally {
      billing.remove();
      crm.remove();
    }
  });

  it('existing tracking rows are migrated: tagged with the id derived from the name of the project that ran them', async () => {
    const files = { '0001_a.up.sql': 'CREATE TABLE a (id int);', '0002_b.up.sql': 'CREATE TABLE b (id int);' };
    const p = engineProject(files, 'name: Old Shop\n');
    try {
      // a database tracked by the previous version (steps 1 and 2) with one applied migration and its run
      const c = await db.client();
      try {
        await trackingSchemaAt(c, 2);
        const run = crypto.randomUUID();
        await c.query(`INSERT INTO confiture.runs (id, kind, started_by, host, app_version, project, outcome, finished_at) VALUES ($1, 'up', 'dba', 'h', '0.9', 'Old Shop', 'success', now())`, [run]);
        await c.query(`INSERT INTO confiture.applied_migrations (version, name, checksum, applied_by, run_id) VALUES ('0001', 'a', $1, 'dba', $2)`, [sha(files['0001_a.up.sql']), run]);
        await c.query(`INSERT INTO confiture.migration_history (run_id, version, name, direction, checksum, by) VALUES ($1, '0001', 'a', 'up', $2, 'dba')`, [run, sha(files['0001_a.up.sql'])]);
        await c.query('CREATE TABLE a (id int)');
        await ensureTrackingSchema(c, 'confiture');
        // idempotent: running the step again changes nothing
        await c.query(TRACKING_STEPS[TRACKING_STEPS.length - 1]!('confiture'));
      } finally {
        await c.end();
      }
      expect((await db.pool.query('SELECT project, version FROM confiture.applied_migrations')).rows).toEqual([{ project: 'old-shop', version: '0001' }]);
      expect((await db.pool.query('SELECT project FROM confiture.migration_history')).rows).toEqual([{ project: 'old-shop' }]);
      expect((await migrationStatus(p.open(), db.pool)).migrations.map((m) => m.state)).toEqual(['applied', 'pending']);
      const report = await runMigrations(p.open(), urlTarget(db.url), { kind: 'up' });
      expect(report.migrations.map((m) => `${m.version}:${m.outcome}`)).toEqual(['0002:applied']);
    } finally {
      p.remove();
    }
  });

  it('status reads a tracking schema older than measured blocking (version 4) as it is, without upgrading it', async () => {
    const files = { '0001_a.up.sql': 'CREATE TABLE a (id int);', '0002_b.up.sql': 'CREATE TABLE b (id int);' };
    const p = engineProject(files, 'name: v4 shop\n');
    const c = await db.client();
    try {
      await c.query('DROP SCHEMA IF EXISTS confiture CASCADE');
      await trackingSchemaAt(c, 4);
      const run = crypto.randomUUID();
      await c.query(`INSERT INTO confiture.runs (id, kind, started_by, host, app_version, project, project_id, outcome, finished_at) VALUES ($1, 'up', 'dba', 'h', '0.9', 'v4 shop', 'v4-shop', 'success', now())`, [run]);
      await c.query(`INSERT INTO confiture.applied_migrations (project, version, name, checksum, applied_by, run_id) VALUES ('v4-shop', '0001', 'a', $1, 'dba', $2)`, [sha(files['0001_a.up.sql']), run]);
      const status = await migrationStatus(p.open(), db.pool);
      expect(status.migrations.map((m) => [m.state, m.blockedOthers])).toEqual([['applied', undefined], ['pending', undefined]]);
      // read only: the runs table still has no blocked_others column, the version is still 4
      expect((await c.query(`SELECT max(version) AS v, (SELECT count(*)::int FROM information_schema.columns WHERE table_schema = 'confiture' AND column_name = 'blocked_others') AS cols FROM confiture.schema_version`)).rows).toEqual([{ v: 4, cols: 0 }]);
      // upgraded, a run's measured blocking reads back with its migration
      await ensureTrackingSchema(c, 'confiture');
      const blocked = { sessions: 2, longestWaitMs: 1500, sampledEveryMs: 1000, who: ['checkout', 'dashboard'] };
      await c.query(`UPDATE confiture.runs SET blocked_others = jsonb_build_object('0001', $1::jsonb) WHERE id = $2`, [JSON.stringify(blocked), run]);
      expect((await migrationStatus(p.open(), db.pool)).migrations[0]!.blockedOthers).toEqual(blocked);
    } finally {
      await c.query('DROP SCHEMA IF EXISTS confiture CASCADE').catch(() => undefined);
      await c.end();
      p.remove();
    }
  });

  it('a project whose derived id changed (renamed) is refused, naming the id that applied its files', async () => {
    const files = { '0001_a.up.sql': 'CREATE TABLE a (id int);', '0002_b.up.sql': 'CREATE TABLE b (id int);' };
    const first = engineProject(files, 'name: shop\n');
    const renamed = engineProject(files, 'name: shop2\n');
    try {
      expect((await runMigrations(first.open(), urlTarget(db.url), { kind: 'up', steps: 1 })).ok).toBe(true);
      await expect(runMigrations(renamed.open(), urlTarget(db.url), { kind: 'up' })).rejects.toMatchObject({
        code: 'project_error',
        message: expect.stringMatching(/Project id "shop2".*project id "shop" applied 1 of these migration files.*project: \{ id: shop \}/),
      });
      // following the advice resumes the history
      renamed.write('../confiture.yaml', 'name: shop2\nproject:\n  id: shop\nrisk:\n  requireApprovalAbove: null\n');
      const report = await runMigrations(renamed.open(), urlTarget(db.url), { kind: 'up' });
      expect(report.migrations.map((m) => `${m.version}:${m.outcome}`)).toEqual(['0002:applied']);
    } finally {
      first.remove();
      renamed.remove();
    }
  });
});
