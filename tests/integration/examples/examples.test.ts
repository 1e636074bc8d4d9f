/**
 * The four example projects (examples/*) as a team would run them in CI, through the real CLI on
 * the test server (embedded PostgreSQL 18 or $DATABASE_URL): lint, risk, dry-run, apply, status.
 * Every JSON document is checked against its published schema (docs/schemas); the database is
 * checked for what the migrations promise, and the hooks for what they wrote.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { errorsOf, validatorFor } from '../../helpers/schemas';
import { confiture, repo, type CliRun } from '../cli/run-cli';

vi.setConfig({ testTimeout: 600_000 });

interface RunDoc {
  ok: boolean;
  outcome: string;
  migrations: { version: string; outcome: string }[];
  hooks: { hookId: string; phase: string; outcome: string }[];
}

const schemas = new Map<string, ReturnType<typeof validatorFor>>();
function json<T>(schema: string, r: CliRun, code = 0): T {
  expect(r.code, `${schema}: exit ${r.code}\n${r.stderr.slice(-3000)}`).toBe(code);
  const doc = JSON.parse(r.stdout) as T;
  if (!schemas.has(schema)) schemas.set(schema, validatorFor(JSON.parse(fs.readFileSync(path.join(repo, 'docs', 'schemas', `${schema}.json`), 'utf8')) as object));
  const validate = schemas.get(schema)!;
  expect(validate(doc), `${schema}: ${errorsOf(validate)}`).toBe(true);
  return doc;
}

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanup.reverse()) await c();
});

/** A copy of the example (hooks write into the project folder) and a fresh database. */
async function setUp(name: string): Promise<{ dir: string; db: TestDatabase; cli: (args: string[]) => Promise<CliRun>; query: (sql: string) => Promise<pg.QueryResult> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `confiture-example-${name}-`));
  fs.cpSync(path.join(repo, 'examples', name), dir, { recursive: true });
  const db = await createTestDatabase('cf_example');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-example-data-'));
  cleanup.push(() => db.drop(), () => fs.rmSync(dir, { recursive: true, force: true }), () => fs.rmSync(dataDir, { recursive: true, force: true }));
  return {
    dir,
    db,
    cli: (args) => confiture([...args, '--project', dir], { dataDir, cwd: dir, env: { DATABASE_URL: db.url } }),
    query: (sql) => db.pool.query(sql),
  };
}

const versions = (dir: string) =>
  fs
    .readdirSync(path.join(dir, 'migrations'))
    .filter((f) => f.endsWith('.up.sql'))
    .map((f) => f.split('_')[0]!)
    .sort();

async function lintAndRisk(ex: Awaited<ReturnType<typeof setUp>>): Promise<void> {
  const lint = json<{ summary: { bySeverity: Record<string, number> } }>('lint', await ex.cli(['lint', '--format', 'json']));
  expect(lint.summary.bySeverity).toEqual({ info: 0, warning: 0, error: 0, critical: 0 });
  const risk = json<{ exceeded: string[]; migrations: { version: string; level: string }[] }>('risk', await ex.cli(['risk', '--format', 'json']));
  expect(risk.exceeded).toEqual([]);
  expect(risk.migrations.map((m) => m.version)).toEqual(versions(ex.dir));
}

/** What a DBA does before applying: approve each pending migration `risk` says needs a sign-off
 * (after a rehearsal the measured durations can lift a migration above the `low` threshold). */
async function approveRequired(ex: Awaited<ReturnType<typeof setUp>>, to?: string): Promise<string[]> {
  const r = await ex.cli(['risk', ...(to ? ['--to', to] : []), '--format', 'json']);
  // exit 1 = some migration above maxRisk: still a report
  const risk = json<{ migrations: { version: string; approval: { required: boolean; state: string } }[] }>('risk', r, r.code === 1 ? 1 : 0);
  const need = risk.migrations.filter((m) => m.approval.required && m.approval.state !== 'approved').map((m) => m.version);
  for (const v of need) {
    const a = await ex.cli(['approve', v, '--by', 'examples-dba', '--comment', 'rehearsed in the examples test']);
    expect(a.code, a.stderr).toBe(0);
  }
  return need;
}

async function applyAll(ex: Awaited<ReturnType<typeof setUp>>, args: string[] = []): Promise<RunDoc> {
  await approveRequired(ex);
  const up = json<RunDoc>('migrate-run', await ex.cli(['migrate', 'up', ...args, '--format', 'json']));
  expect(up.ok).toBe(true);
  const status = json<{ migrations: { version: string; state: string }[] }>('status', await ex.cli(['status', '--format', 'json']));
  expect(status.migrations.map((m) => m.state)).toEqual(versions(ex.dir).map(() => 'applied'));
  return up;
}

describe('example projects', () => {
  it('ecommerce: lints clean, rehearses, applies; the changelog hook records each migration', async () => {
    const ex = await setUp('ecommerce');
    await lintAndRisk(ex);
    const dry = json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--format', 'json']));
    expect(dry.migrations.map((m) => m.outcome)).toEqual(['rehearsed', 'rehearsed', 'rehearsed', 'rehearsed']);
    expect((await ex.query(`SELECT to_regclass('shop.orders') AS t`)).rows[0].t).toBeNull(); // rolled back
    const up = await applyAll(ex);
    expect(up.hooks.filter((h) => h.hookId === 'no-long-transactions').map((h) => [h.phase, h.outcome])).toEqual([['before_run', 'success']]);
    const lines = fs.readFileSync(path.join(ex.dir, 'run-log', 'changelog.txt'), 'utf8').trim().split('\n');
    expect(lines.filter((l) => l.includes(' up ')).map((l) => l.split(' ').slice(3, 5).join(' '))).toEqual(['0001 create_catalog', '0002 create_customers_and_orders', '0003 create_payments', '0004 index_orders_created_at']);
    const idx = await ex.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'shop.orders_created_at_idx'::regclass`);
    expect(idx.rows[0].indisvalid).toBe(true);
    const noPublic = await ex.query(`SELECT has_table_privilege('public', 'shop.payments', 'SELECT') AS p`);
    expect(noPublic.rows[0].p).toBe(false);
  });

  it('saas-multi-tenant: applies with every table isolated; a table without RLS is reported and the check fails', async () => {
    const ex = await setUp('saas-multi-tenant');
    await lintAndRisk(ex);
    json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--format', 'json']));
    const up = await applyAll(ex);
    expect(up.hooks.filter((h) => h.hookId === 'every-table-isolated').map((h) => h.outcome)).toEqual(['success', 'success', 'success', 'success']);
    const summary = fs.readFileSync(path.join(ex.dir, 'run-log', 'rollouts.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { runKind: string; outcome: string });
    expect(summary.at(-1)).toMatchObject({ runKind: 'up', outcome: 'success' });
    // row-level security really isolates tenants for a non-owner role
    const role = `cf_tenant_app_${Math.random().toString(36).slice(2, 8)}`;
    await ex.query(`CREATE ROLE ${role} NOLOGIN`);
    cleanup.push(async () => {
      const admin = new pg.Client({ connectionString: ex.db.url });
      await admin.connect();
      await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
      await admin.end();
    });
    await ex.query(`GRANT USAGE ON SCHEMA app TO ${role}; GRANT SELECT ON app.projects TO ${role}`);
    await ex.query(`INSERT INTO app.tenants VALUES ('11111111-1111-1111-1111-111111111111', 'a'), ('22222222-2222-2222-2222-222222222222', 'b')`);
    await ex.query(`INSERT INTO app.projects (tenant_id, name) VALUES ('11111111-1111-1111-1111-111111111111', 'a1'), ('22222222-2222-2222-2222-222222222222', 'b1')`);
    const c = await ex.db.client();
    try {
      await c.query(`SET ROLE ${role}`);
      await c.query(`SET app.tenant_id = '22222222-2222-2222-2222-222222222222'`);
      expect((await c.query('SELECT name FROM app.projects')).rows).toEqual([{ name: 'b1' }]);
    } finally {
      await c.end();
      await ex.query(`DROP OWNED BY ${role}; DROP ROLE ${role}`);
    }
    fs.writeFileSync(path.join(ex.dir, 'migrations', '0005_create_invoices.up.sql'), "SET LOCAL lock_timeout = '2s';\nCREATE TABLE app.invoices (tenant_id uuid NOT NULL, id bigint GENERATED ALWAYS AS IDENTITY, PRIMARY KEY (tenant_id, id));\n");
    const bad = json<RunDoc>('migrate-run', await ex.cli(['migrate', 'up', '--format', 'json']));
    expect(bad.hooks.find((h) => h.hookId === 'every-table-isolated')?.outcome).toBe('failure');
    const check = await ex.cli(['hooks', 'test', 'after_migration', '--hook', 'every-table-isolated']);
    expect(check.code).toBe(1);
    expect(check.stdout + check.stderr).toContain('tables without forced row-level security: invoices');
  });

  it('healthcare-records: an approval is recorded against the checksum; the change records cover applied migrations only', async () => {
    const ex = await setUp('healthcare-records');
    await lintAndRisk(ex);
    const approve = await ex.cli(['approve', '0004', '--by', 'dr.lee', '--comment', 'rehearsed on staging']);
    expect(approve.code, approve.stderr).toBe(0);
    // approvals/<canonical version>.json (0004 → 4.json) and the audit chain
    expect(fs.readdirSync(path.join(ex.dir, 'approvals')).sort()).toEqual(['4.json', 'audit.log']);
    expect(fs.readFileSync(path.join(ex.dir, 'approvals', '4.json'), 'utf8')).toContain('dr.lee');
    expect(fs.readFileSync(path.join(ex.dir, 'approvals', 'audit.log'), 'utf8')).toContain('dr.lee');
    json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--format', 'json']));
    await applyAll(ex);
    const records = fs.readFileSync(path.join(ex.dir, 'run-log', 'change-records.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { kind: string; version: string; sha256: string });
    expect(records.map((r) => `${r.kind} ${r.version}`)).toEqual(['up 0001', 'up 0002', 'up 0003', 'up 0004']);
    expect(records.every((r) => /^[0-9a-f]{64}$/.test(r.sha256))).toBe(true);
    const rls = await ex.query(`SELECT relname FROM pg_class WHERE relnamespace = 'clinic'::regnamespace AND relrowsecurity ORDER BY 1`);
    expect(rls.rows.map((r: { relname: string }) => r.relname)).toEqual(['encounters', 'patients']);
  });

  it('analytics-partitions: rehearses and applies in steps; the partitioned index becomes valid; the default-partition gate stops a run', async () => {
    const ex = await setUp('analytics-partitions');
    await lintAndRisk(ex);
    const whole = json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--format', 'json']), 4);
    expect(whole.migrations.find((m) => m.version === '0003')?.outcome).toBe('failed');
    json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--to', '0002', '--format', 'json']));
    await approveRequired(ex, '0003');
    json<RunDoc>('migrate-run', await ex.cli(['migrate', 'up', '--to', '0003', '--format', 'json']));
    const dry = json<RunDoc>('migrate-run', await ex.cli(['migrate', 'dry-run', '--format', 'json']));
    expect(dry.migrations.map((m) => [m.version, m.outcome])).toEqual([['0004', 'rehearsed']]);
    await applyAll(ex);
    const valid = await ex.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'analytics.page_views_site_id_viewed_at_idx'::regclass`);
    expect(valid.rows[0].indisvalid).toBe(true);
    const parts = await ex.query(`SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'analytics.page_views'::regclass`);
    expect(parts.rows[0].n).toBe(4);
    // a row for a month without a partition lands in DEFAULT: the next migration is refused
    await ex.query(`INSERT INTO analytics.page_views (viewed_at, site_id, path) VALUES ('2027-03-15', 1, '/')`);
    fs.writeFileSync(path.join(ex.dir, 'migrations', '0005_noop.up.sql'), "SET LOCAL lock_timeout = '2s';\nCOMMENT ON TABLE analytics.page_views IS 'page views by month';\n");
    const gated = json<RunDoc & { error: { message: string } }>('migrate-run', await ex.cli(['migrate', 'up', '--format', 'json']), 1);
    expect(gated.outcome).toBe('policy_failure');
    expect(gated.error.message).toContain('page_views_default is not empty');
  });
});
