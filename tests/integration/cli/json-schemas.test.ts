/**
 * Every `--format json` document of the CLI, produced by real commands on a real database, is
 * valid against its published schema in docs/schemas (read from disk: what users download) and
 * starts with "schemaVersion" (see ./documents.ts). Drift, baseline, down draft and the fleet's
 * rollout documents: json-schemas-drift-fleet.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { expectDocument } from './documents';
import { confiture, repo } from './run-cli';

// every case runs several CLI processes: minutes on a loaded 2-core machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

const demo = path.join(repo, 'resources', 'demo', 'migrations');

let db: TestDatabase;
let seedDb: TestDatabase;
let project: TempProject;
let dataDir: string;

const config = `name: schemas
risk:
  requireApprovalAbove: low
hooks:
  hooks:
    - id: ping
      on: [before_run, after_run]
      kind: sql
      sql: SELECT true AS ok
perf:
  runs: 5
  warmup: 0
`;

const workload = `version: 1
queries:
  - name: customer_by_id
    sql: SELECT id FROM shop.customers WHERE id = $1
    params:
      - { name: one, values: [1] }
`;

const cli = (args: string[]) => confiture(args, { dataDir });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-schemas-data-'));
  [db, seedDb] = await Promise.all([createTestDatabase('cf_schemas'), createTestDatabase('cf_schemas_seed')]);
  const files: Record<string, string> = {};
  for (const f of fs.readdirSync(demo).filter((f) => /^000[1-4]_/.test(f))) files[f] = fs.readFileSync(path.join(demo, f), 'utf8');
  project = makeProject(files, config);
  fs.mkdirSync(path.join(project.dir, 'perf'));
  fs.writeFileSync(path.join(project.dir, 'perf', 'workload.yaml'), workload);
});

afterAll(async () => {
  project?.remove();
  await Promise.all([db?.drop(), seedDb?.drop()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('--format json documents validate against docs/schemas', () => {
  it('lint, lint --list-rules, lint --explain-config and locks (no database)', async () => {
    const [lint, rules, eff, locks] = await Promise.all([
      cli(['lint', '-p', project.dir, '--format', 'json']),
      cli(['lint', '--list-rules', '--format', 'json']),
      cli(['lint', '--explain-config', '-p', project.dir, '--format', 'json']),
      cli(['locks', path.join(project.migrationsDir, '0003_create_orders_and_order_items.up.sql'), '--format', 'json']),
    ]);
    expectDocument('lint', lint, lint.code === 1 ? 1 : 0);
    expect((expectDocument('lint-rules', rules).rules as unknown[]).length).toBeGreaterThan(50);
    expectDocument('lint-config', eff);
    expectDocument('locks', locks);
    // without a catalog a type change's rewrite is an open verdict: "rewrites": "unknown" with the reason
    const retype = path.join(project.dir, 'retype.sql');
    fs.writeFileSync(retype, 'ALTER TABLE shop.orders ALTER COLUMN status TYPE varchar(40);\n');
    const open = expectDocument('locks', await cli(['locks', retype, '--format', 'json']));
    expect((open.statements as { rewrites: unknown; unknown?: { fact: string }[] }[])[0]).toMatchObject({ rewrites: 'unknown', unknown: expect.arrayContaining([expect.objectContaining({ fact: 'rewrite' })]) });
  });

  it('status, migrate dry-run, up, status and down on a real database', async () => {
    expectDocument('status', await cli(['status', '-p', project.dir, '--db', db.url, '--format', 'json']));
    const dry = expectDocument('migrate-run', await cli(['migrate', 'dry-run', '-p', project.dir, '--db', db.url, '--to', '0002', '--format', 'json']));
    expect((dry.rehearsal as unknown[]).length).toBeGreaterThan(0);
    const up = expectDocument('migrate-run', await cli(['migrate', 'up', '-p', project.dir, '--db', db.url, '--to', '0003', '--format', 'json']));
    expect((up.hooks as unknown[]).length).toBeGreaterThan(0);
    expectDocument('migrate-status', await cli(['migrate', 'status', '-p', project.dir, '--db', db.url, '--format', 'json']));
    expectDocument('migrate-run', await cli(['migrate', 'down', '-p', project.dir, '--db', db.url, '--steps', '1', '--format', 'json']));
    expectDocument('migrate-run', await cli(['migrate', 'up', '-p', project.dir, '--db', db.url, '--to', '0003', '--format', 'json']));
  });

  it('a failed migrate up (exit 4): the run report with its error', async () => {
    const failing = makeProject({ '0001_divide.up.sql': 'CREATE TABLE t (id int);\nSELECT 1 / 0;\n' }, 'name: schemas-failing\nrisk: { requireApprovalAbove: null }\n');
    const target = await createTestDatabase('cf_schemas_fail');
    try {
      const run = expectDocument('migrate-run', await cli(['migrate', 'up', '-p', failing.dir, '--db', target.url, '--format', 'json']), 4);
      expect(run).toMatchObject({ ok: false, outcome: 'failure', error: { code: expect.any(String), message: expect.stringMatching(/division by zero/) } });
      expect((run.migrations as { outcome: string; statements: { outcome: string; error?: string }[] }[])[0]).toMatchObject({ outcome: 'failed', statements: expect.arrayContaining([expect.objectContaining({ outcome: 'failure', error: expect.any(String) })]) });
    } finally {
      failing.remove();
      await target.drop();
    }
  });

  it('risk (with approvals still needed) and approve', async () => {
    const risk = expectDocument('risk', await cli(['risk', '-p', project.dir, '--db', db.url, '--format', 'json']));
    const m = (risk.migrations as { version: string; approval: { required: boolean; state: string } }[]).find((x) => x.version === '0004')!;
    expect(m.approval).toMatchObject({ state: 'missing' });
    expectDocument('approve', await cli(['approve', '0004', '--by', 'alice', '--comment', 'rehearsed', '-p', project.dir, '--db', db.url, '--format', 'json']));
    const after = expectDocument('risk', await cli(['risk', '-p', project.dir, '--db', db.url, '--only', '0004', '--format', 'json']));
    expect((after.migrations as { approval: { state: string } }[])[0]!.approval.state).toBe('approved');
  });

  it('hooks list, hooks test, slo report and metrics', async () => {
    const [list, test, slo, metrics] = await Promise.all([
      cli(['hooks', 'list', '-p', project.dir, '--offline', '--format', 'json']),
      cli(['hooks', 'test', 'before_run', '-p', project.dir, '--db', db.url, '--format', 'json']),
      cli(['slo', 'report', '-p', project.dir, '--db', db.url, '--format', 'json']),
      cli(['metrics', '-p', project.dir, '--db', db.url, '--format', 'json']),
    ]);
    expectDocument('hooks-list', list);
    expectDocument('hooks-test', test);
    expectDocument('slo-report', slo, slo.code === 1 ? 1 : 0);
    expectDocument('metrics', metrics);
  });

  it('perf capture, compare, list and ab', async () => {
    expectDocument('perf-capture', await cli(['perf', 'capture', '--name', 'a', '-p', project.dir, '--db', db.url, '--format', 'json']));
    expectDocument('perf-capture', await cli(['perf', 'capture', '--name', 'b', '-p', project.dir, '--db', db.url, '--format', 'json']));
    const cmp = await cli(['perf', 'compare', 'a', 'b', '-p', project.dir, '--format', 'json']);
    expectDocument('perf-compare', cmp, cmp.code === 1 ? 1 : 0);
    expectDocument('perf-list', await cli(['perf', 'list', '-p', project.dir, '--format', 'json']));
    // an A/A check: the workload interleaved on --db and a clone of it
    const ab = await cli(['perf', 'ab', '-p', project.dir, '--db', db.url, '--runs', '6', '--warmup', '1', '--seed', '7', '--format', 'json']);
    const abDoc = expectDocument('perf-ab', ab, ab.code === 1 ? 1 : 0);
    expect((abDoc.queries as unknown[]).length).toBeGreaterThan(0);
    // needs the pg_stat_statements extension: its document when the server has it, the error document otherwise
    const imp = await cli(['perf', 'import-statements', '-p', project.dir, '--db', db.url, '--format', 'json']);
    expectDocument(imp.code === 0 ? 'perf-import-statements' : 'error', imp, imp.code === 0 ? 0 : 2);
  });

  it('demo seed', async () => {
    expectDocument('demo-seed', await cli(['demo', 'seed', '--scale', '0.01', '--db', seedDb.url, '--format', 'json']));
  });

  it('the error document, with its exit code', async () => {
    const r = await cli(['status', '-p', path.join(dataDir, 'nowhere'), '--db', db.url, '--format', 'json']);
    expect((expectDocument('error', r, 2).error as { code: string }).code).toBe('not_found');
  });
});
