/** Drift and baseline against a real database, the scratch database on the same server. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConnectionString } from '../../../src-main/db';
import { baseline, driftCheck } from '../../../src-main/drift';
import { openValidProject } from '../../../src-main/project';
import { readApplied } from '../../../src-main/store';
import { adminUrl, createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

const MIGRATIONS = {
  '0001_orders.up.sql': `CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new', total numeric CHECK (total >= 0));
CREATE INDEX orders_status_idx ON orders (status);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status = 'new';
`,
  '0002_audit.up.sql': `CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
GRANT SELECT ON orders TO PUBLIC;
`,
};

let db: TestDatabase;
let tmp: TempProject;
const scratch = () => resolveConnectionString(adminUrl(), { mode: 'disable' });

beforeAll(async () => {
  db = await createTestDatabase('cf_drift');
  tmp = makeProject(MIGRATIONS, 'name: drifty\n');
  // an existing database built by hand, the same as the migrations
  for (const sql of Object.values(MIGRATIONS)) await db.pool.query(sql);
});
afterAll(async () => {
  tmp?.remove();
  await db?.drop();
});

describe('drift and baseline', () => {
  it('baseline refuses a database that differs, with the differences, and adopts one that matches', async () => {
    const project = openValidProject(tmp.dir);
    await db.pool.query('ALTER TABLE orders ADD COLUMN legacy int');
    await db.pool.query('DROP INDEX orders_status_idx');
    const c = await db.client();
    try {
      const refused = await baseline(project, c, '0002', { scratch: scratch() });
      expect(refused.refused).toBe(true);
      expect(refused.recorded).toEqual([]);
      const msgs = refused.drift.differences.map((d) => `${d.change} ${d.message} => ${d.sql}`);
      expect(msgs).toContainEqual(expect.stringMatching(/^missing Index public\.orders_status_idx is missing.*=> CREATE INDEX orders_status_idx ON public\.orders USING btree \(status\);$/));
      expect(msgs).toContainEqual(expect.stringMatching(/^extra Column public\.orders\.legacy exists in the live database but no migration creates it => ALTER TABLE "public"\."orders" DROP COLUMN "legacy"/));
      expect(refused.drift.differences).toHaveLength(2);
      expect(await readApplied(c, project.trackingSchema, project.id)).toEqual([]);
      // reconcile with the SQL given, then adopt
      for (const d of refused.drift.differences) await c.query(d.sql);
      const ok = await baseline(project, c, '0002', { scratch: scratch(), by: 'alice' });
      expect(ok.refused).toBe(false);
      expect(ok.recorded).toEqual(['0001', '0002']);
      const applied = await readApplied(c, project.trackingSchema, project.id);
      expect(applied.map((a) => [a.version, a.appliedBy])).toEqual([
        ['0001', 'baseline by alice'],
        ['0002', 'baseline by alice'],
      ]);
    } finally {
      await c.end();
    }
  });

  it('drift reports changes of columns, defaults, views, functions, triggers and grants', async () => {
    const project = openValidProject(tmp.dir);
    await db.pool.query(`ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open', ALTER COLUMN status DROP NOT NULL`);
    await db.pool.query(`CREATE OR REPLACE VIEW open_orders AS SELECT id, total FROM orders WHERE status = 'open'`);
    await db.pool.query(`CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.status := 'x'; RETURN NEW; END $$`);
    await db.pool.query('ALTER TABLE orders DISABLE TRIGGER orders_touch');
    await db.pool.query('REVOKE SELECT ON orders FROM PUBLIC');
    await db.pool.query('CREATE TABLE hand_made (x int)');
    const c = await db.client();
    try {
      const r = await driftCheck(project, c, { scratch: scratch() });
      expect(r.versions).toEqual(['0001', '0002']);
      const by = (kind: string, change: string) => r.differences.filter((d) => d.kind === kind && d.change === change);
      const status = by('column', 'changed').find((d) => d.object === 'public.orders.status')!;
      expect(status.message).toMatch(/defaults to 'open'::text live, 'new'::text in the migrations/);
      expect(status.message).toMatch(/is nullable live, NOT NULL in the migrations/);
      expect(status.sql).toContain(`ALTER TABLE "public"."orders" ALTER COLUMN "status" SET DEFAULT 'new'::text;`);
      expect(status.sql).toContain('ALTER COLUMN "status" SET NOT NULL;');
      expect(by('view', 'changed').map((d) => d.object)).toEqual(['public.open_orders']);
      expect(by('function', 'changed').map((d) => d.object)).toEqual(['public.touch()']);
      expect(by('trigger', 'changed')[0]!.sql).toBe('ALTER TABLE "public"."orders" ENABLE TRIGGER "orders_touch";');
      expect(by('grant', 'missing')[0]!.sql).toBe('GRANT SELECT ON "public"."orders" TO PUBLIC;');
      expect(by('table', 'extra')[0]!.sql).toMatch(/^DROP TABLE "public"\."hand_made";/);
      // applying every reconciling statement leaves no drift
      for (const d of r.differences) await c.query(d.sql.replace(/--.*$/gm, ''));
      const again = await driftCheck(project, c, { scratch: scratch() });
      expect(again.differences.map((d) => d.message)).toEqual([]);
    } finally {
      await c.end();
    }
  });
});
