import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { Run, runMigrations, urlTarget } from '../../../src-main/engine';
import { readExecutions, runnerForProject } from '../../../src-main/hooks';
import { openValidProject } from '../../../src-main/project';
import { ALL_LIFECYCLE_EVENTS } from '../../../src-shared/domain/lifecycle';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject } from '../../helpers/project';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_engine');
});
afterAll(async () => {
  await db.drop();
});

/** A project whose one hook listens to every phase and event. */
function tracedProject(migrations: Record<string, string>, extraHooks: unknown[] = []) {
  const config = {
    name: 'traced',
    engine: { lockTimeout: '500ms', lockRetries: 1, retryBackoff: '50ms' },
    hooks: { hooks: [{ id: 'trace', on: [...ALL_LIFECYCLE_EVENTS], kind: 'module', module: 'trace.mjs', policy: 'warn' }, ...extraHooks] },
  };
  const p = makeProject(migrations, stringify(config));
  fs.writeFileSync(path.join(p.dir, 'trace.mjs'), 'export default async function trace() {}\n');
  const project = openValidProject(p.dir);
  const runner = runnerForProject(project, db.pool);
  return { p, project, runner };
}

const phasesOf = (execs: { phase: string; hookId: string }[]) => execs.filter((e) => e.hookId === 'trace').map((e) => e.phase);

const UP_ORDER = [
  'before_load', 'after_load', 'run_started', 'before_run',
  'before_migration', 'before_statement', 'after_statement', 'after_migration',
  'before_migration', 'before_statement', 'after_statement', 'before_statement', 'after_statement', 'after_migration',
  'after_run', 'run_completed',
];

describe('hooks fired by the engine', () => {
  it('fires the phases in the documented order for up, down and dry-run', async () => {
    const { p, project, runner } = tracedProject({
      '0001_a.up.sql': 'CREATE TABLE ha (id int);',
      '0001_a.down.sql': 'DROP TABLE ha;',
      '0002_b.up.sql': 'CREATE TABLE hb (id int);\nINSERT INTO hb VALUES (1);',
      '0002_b.down.sql': 'DROP TABLE hb;',
    });
    const up = await runMigrations(project, urlTarget(db.url), { kind: 'up', listeners: [runner.listener] });
    expect(up.ok).toBe(true);
    // recorded in the tracking schema, in the order they ran
    expect(phasesOf(await readExecutions(db.pool, 'confiture', up.runId))).toEqual(UP_ORDER);

    const down = await runMigrations(project, urlTarget(db.url), { kind: 'down', steps: 2, listeners: [runner.listener] });
    expect(down.ok).toBe(true);
    expect(phasesOf(runner.executions(down.runId))).toEqual([
      'before_load', 'after_load', 'run_started', 'before_run',
      'before_migration', 'before_statement', 'after_statement', 'after_migration',
      'before_migration', 'before_statement', 'after_statement', 'after_migration',
      'after_run', 'run_completed',
    ]);

    const dry = await runMigrations(project, urlTarget(db.url), { kind: 'dry_run', listeners: [runner.listener] });
    expect(dry.ok).toBe(true);
    expect(phasesOf(runner.executions(dry.runId))).toEqual([
      'before_load', 'after_load', 'run_started', 'before_run', 'before_dry_run',
      'before_migration', 'before_statement', 'after_statement', 'after_migration',
      'before_migration', 'before_statement', 'after_statement', 'before_statement', 'after_statement', 'after_migration',
      'before_rollback', 'after_rollback', 'after_dry_run', 'after_run', 'run_completed',
    ]);
    p.remove();
  });

  it('fires run_paused and run_resumed around a step-through pause', async () => {
    const { p, project, runner } = tracedProject({ '0101_s.up.sql': 'CREATE TABLE hs1 (id int);\nCREATE TABLE hs2 (id int);' });
    const run = new Run(project, urlTarget(db.url), { kind: 'up', stepping: true, listeners: [runner.listener] });
    await run.prepare();
    const done = run.start();
    // continue() as soon as the run pauses, while its run_paused hooks may still be running:
    // the engine must not lose it
    for (let i = 0; i < 250 && run.state !== 'paused'; i++) await new Promise((r) => setTimeout(r, 5));
    expect(run.state).toBe('paused');
    run.continue();
    const report = await done;
    expect(report.ok).toBe(true);
    const phases = phasesOf(runner.executions(report.runId));
    expect(phases.slice(0, 6)).toEqual(['before_load', 'after_load', 'run_started', 'before_run', 'before_migration', 'run_paused']);
    expect(phases.slice(6)).toEqual(['run_resumed', 'before_statement', 'after_statement', 'before_statement', 'after_statement', 'after_migration', 'after_run', 'run_completed']);
    expect(runner.executions(report.runId)[0]!.runId).toBe(report.runId);
    p.remove();
  });

  it('a failing SQL gate before the migration stops the run and leaves the database untouched', async () => {
    const gate = { id: 'freeze', on: ['before_migration'], kind: 'sql', sql: "SELECT false AS ok, 'change freeze: no DDL on Fridays' AS reason" };
    const { p, project, runner } = tracedProject({ '0301_g.up.sql': 'CREATE TABLE gated (id int);' }, [gate]);
    let report;
    try {
      report = await runMigrations(project, urlTarget(db.url), { kind: 'up', listeners: [runner.listener] });
    } catch (e) {
      report = { error: { message: (e as Error).message } };
    }
    expect(JSON.stringify(report)).toContain('change freeze: no DDL on Fridays');
    expect((await db.pool.query("SELECT to_regclass('gated') AS t")).rows[0].t).toBeNull();
    expect((await db.pool.query("SELECT count(*)::int AS n FROM confiture.applied_migrations WHERE version = '0301'")).rows[0].n).toBe(0);
    const freeze = runner.executions().filter((e) => e.hookId === 'freeze');
    expect(freeze).toHaveLength(1);
    expect(freeze[0]).toMatchObject({ outcome: 'failure', error: 'change freeze: no DDL on Fridays' });
    p.remove();
  });
});
