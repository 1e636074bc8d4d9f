/**
 * The `--format json` documents of `drift`, `baseline`, `down draft` and `rollout
 * plan|start|status|pause|resume|abort`, printed by real CLI processes against real databases
 * (a live database with a scratch server; a fleet of three target databases and a control
 * database), are valid against their schemas in docs/schemas (see ./documents.ts).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { adminUrl, createTestDatabase, urlFor, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { createDatabases, dropDatabases, onDatabase } from '../fleet/helpers';
import { expectDocument } from './documents';
import { confiture } from './run-cli';

// every case runs several CLI processes: minutes on a loaded 2-core machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

let dataDir: string;
const projects: TempProject[] = [];
const cli = (args: string[]) => confiture(args, { dataDir, timeoutMs: 240_000 });

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-schemas-data-'));
});
afterAll(() => {
  for (const p of projects) p.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Difference {
  kind: string;
  object: string;
  change: string;
  expected: object | null;
  actual: object | null;
  sql: string;
}

describe('drift, baseline and down draft documents', () => {
  const MIGRATIONS = {
    '0001_orders.up.sql': `CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL DEFAULT 'new', total numeric CHECK (total >= 0));
CREATE INDEX orders_status_idx ON orders (status);
CREATE VIEW open_orders AS SELECT id, total FROM orders WHERE status = 'new';
`,
    '0002_note.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\n',
    // not applied: irreversible for a down draft (the old type is not in the statement)
    '0003_total_type.up.sql': 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2);\n',
  };
  let live: TestDatabase;
  let p: TempProject;
  const on = (args: string[]) => cli([...args, '-p', p.dir, '--db', live.url, '--scratch', adminUrl(), '--format', 'json']);

  beforeAll(async () => {
    live = await createTestDatabase('cf_schemas_drift');
    p = makeProject(MIGRATIONS, 'name: schemas-drift\n');
    projects.push(p);
    // a database built by hand, the same as 0001..0002 except an extra column and a missing index
    await live.pool.query(MIGRATIONS['0001_orders.up.sql'] + MIGRATIONS['0002_note.up.sql']);
    await live.pool.query('ALTER TABLE orders ADD COLUMN legacy int');
    await live.pool.query('DROP INDEX orders_status_idx');
  });
  afterAll(async () => {
    await live?.drop();
  });

  it('baseline refused (exit 1) then recorded, drift with changed objects (exit 1) and none (exit 0)', async () => {
    const refused = expectDocument('baseline', await on(['baseline', '--version', '0002', '--by', 'alice']), 1);
    expect(refused).toMatchObject({ version: '0002', refused: true, recorded: [], alreadyApplied: [] });
    const diffs = refused.differences as Difference[];
    expect(diffs.map((d) => `${d.change} ${d.kind} ${d.object}`).sort()).toEqual(['extra column public.orders.legacy', 'missing index public.orders_status_idx']);
    expect(diffs.find((d) => d.change === 'missing')).toMatchObject({ actual: null, expected: expect.any(Object) });
    expect(diffs.find((d) => d.change === 'extra')).toMatchObject({ expected: null, actual: expect.any(Object) });
    for (const d of diffs) await live.pool.query(d.sql.replace(/--.*$/gm, ''));

    const adopted = expectDocument('baseline', await on(['baseline', '--version', '0002', '--by', 'alice']));
    expect(adopted).toMatchObject({ refused: false, recorded: ['0001', '0002'], differences: [] });

    expect(expectDocument('drift', await on(['drift']))).toMatchObject({ versions: ['0001', '0002'], differences: [] });
    await live.pool.query(`ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'open'`);
    const drift = expectDocument('drift', await on(['drift']), 1);
    const changed = (drift.differences as Difference[]).find((d) => d.object === 'public.orders.status')!;
    expect(changed).toMatchObject({ kind: 'column', change: 'changed', expected: expect.any(Object), actual: expect.any(Object) });
    expect(drift.liveServer).toBe(drift.scratchServer);
    expect(drift.note).toBeNull();
  });

  it('down draft: reversible (exit 0) and irreversible (exit 1)', async () => {
    const ok = expectDocument('down-draft', await cli(['down', 'draft', '0001', '-p', p.dir, '--format', 'json']));
    expect(ok).toMatchObject({ version: '0001', name: 'orders', hasDown: false, irreversible: [] });
    expect((ok.steps as { down: string | null }[]).every((s) => s.down !== null)).toBe(true);
    expect(ok.sql).toMatch(/^-- DRAFT/);
    const no = expectDocument('down-draft', await cli(['down', 'draft', '0003', '-p', p.dir, '--format', 'json']), 1);
    expect((no.irreversible as { line: number; reason: string }[])[0]).toMatchObject({ line: 1, reason: expect.any(String) });
    expect((no.steps as { down: string | null }[])[0]!.down).toBeNull();
  });
});

describe('rollout documents on a fleet of three databases', () => {
  const suffix = crypto.randomBytes(4).toString('hex');
  const targets = ['a', 'b', 'c'].map((t) => `cf_schemas_fleet_${suffix}_${t}`);
  let control: TestDatabase;
  let p: TempProject;
  const rollout = (args: string[]) => cli(['rollout', ...args, '-p', p.dir, '--env', 'prod', '--format', 'json']);

  beforeAll(async () => {
    control = await createTestDatabase('cf_schemas_ctl');
    await createDatabases(targets);
    const cfg = `name: schemas-fleet
tracking: { schema: schemas_fleet }
risk: { requireApprovalAbove: null }
targets:
${targets.map((t, i) => `  t${i + 1}: { url: "${urlFor(t)}", labels: { tier: ${i === 0 ? 'gold' : 'silver'} } }`).join('\n')}
environments:
  prod:
    targets: [t1, t2, t3]
fleet:
  control: "${control.url}"
  jobTimeout: 60s
  rollout:
    concurrency: 2
    waves: [{ name: canary, size: 1 }, { size: rest }]
    gates: { canaryBlockingSlack: 60s }
`;
    p = makeProject({ '0001_orders.up.sql': 'CREATE TABLE orders (id int PRIMARY KEY);\n', '0002_note.up.sql': 'ALTER TABLE orders ADD COLUMN note text;\n' }, cfg);
    projects.push(p);
  });
  afterAll(async () => {
    await dropDatabases(targets);
    await control?.drop();
  });

  it('plan; start without workers, pause, resume, status, abort', async () => {
    const plan = expectDocument('rollout-plan', await rollout(['plan']));
    expect(plan).toMatchObject({ project: 'schemas-fleet', env: 'prod', selector: null, targetVersion: '0002', versions: ['0001', '0002'] });
    expect((plan.waves as { targets: unknown[] }[]).map((w) => w.targets.length)).toEqual([1, 2]);

    const started = expectDocument('rollout-start', await rollout(['start']));
    const id = started.rolloutId as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect((started.plan as { versions: string[] }).versions).toEqual(['0001', '0002']);

    const state = (d: Record<string, unknown>) => (d.rollout as { id: string; state: string }).state;
    const paused = expectDocument('rollout-status', await rollout(['pause']));
    expect((paused.rollout as { id: string }).id).toBe(id);
    expect(state(paused)).toBe('paused');
    expect(state(expectDocument('rollout-status', await rollout(['resume'])))).toBe('running');
    expect(state(expectDocument('rollout-status', await rollout(['status', '--rollout', id])))).toBe('running');
    const aborted = expectDocument('rollout-status', await rollout(['abort']));
    expect(state(aborted)).toBe('aborted');
    expect((aborted.targets as { state: string }[]).map((t) => t.state)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(aborted.counts).toEqual({ skipped: 3 });
  });

  it('start --workers (waits): a failed target stops the rollout (exit 4), with its error and the canary gate', async () => {
    // the third target already has an orders table: its first migration fails
    await onDatabase(targets[2]!, (c) => c.query('CREATE TABLE orders (id int)'));
    const stopped = expectDocument('rollout-status', await rollout(['start', '--workers', '2']), 4);
    const r = stopped.rollout as { state: string; stopReason: string | null; finishedAt: string | null };
    expect(r.state).toBe('stopped');
    expect(r.stopReason).toMatch(/t3/);
    const ts = stopped.targets as { name: string; state: string; applied: string[]; durationMs: number | null; error: { code: string; message: string } | null }[];
    expect(ts.find((t) => t.name === 't3')).toMatchObject({ state: 'failed', error: { code: expect.any(String), message: expect.stringMatching(/orders/) } });
    expect(ts.find((t) => t.name === 't1')).toMatchObject({ state: 'applied', applied: ['0001', '0002'], durationMs: expect.any(Number), error: null });
    const canary = (stopped.waves as { gate: { ok: boolean; checks: { gate: string }[] } | null }[])[0]!;
    expect(canary.gate?.ok).toBe(true);
    expect(canary.gate?.checks.map((c) => c.gate)).toContain('canary_blocking');
    const again = expectDocument('rollout-status', await rollout(['status']));
    expect(again.rollout).toEqual(stopped.rollout);
    // the worker slots finish the target that was running when the rollout stopped: compare the failed one
    const t3 = (d: Record<string, unknown>) => (d.targets as { name: string }[]).find((t) => t.name === 't3');
    expect(t3(again)).toEqual(t3(stopped));
  });
});
