import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readExecutions } from '../../../src-main/hooks';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { ctxFor, maxOverlap, runnerFor } from './harness';

/** true once the process no longer runs (gone, or a zombie waiting to be reaped) */
async function goneWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return true;
    }
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await new Promise((res) => setTimeout(res, 50));
  }
  return false;
}

let db: TestDatabase;
let project: TempProject;

beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_cmd');
  project = makeProject();
});
afterAll(async () => {
  project.remove();
  await db.drop();
});

describe('command hooks', () => {
  it('receives the context as JSON on stdin and CONFITURE_* variables', async () => {
    const out = path.join(project.dir, 'seen.json');
    fs.writeFileSync(
      path.join(project.dir, 'probe.mjs'),
      `import fs from 'node:fs';
       let s=''; process.stdin.on('data', d => s += d).on('end', () => {
         const ctx = JSON.parse(s);
         const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CONFITURE_')));
         fs.writeFileSync(process.argv[2], JSON.stringify({ event: ctx.event, version: ctx.migration.version, env }));
         console.log(JSON.stringify({ ok: true, note: 'checked' }));
       });`,
    );
    const runner = runnerFor({ hooks: [{ id: 'probe', on: ['before_migration'], kind: 'command', command: [process.execPath, 'probe.mjs', out] }] }, { projectDir: project.dir, pool: db.pool });
    const runId = crypto.randomUUID();
    const r = await runner.fire('before_migration', ctxFor('before_migration', runId));
    expect(r.gate).toEqual({ proceed: true });
    const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as { event: string; version: string; env: Record<string, string> };
    expect(seen.event).toBe('before_migration');
    expect(seen.version).toBe('0002');
    expect(seen.env).toMatchObject({
      CONFITURE_EVENT: 'before_migration',
      CONFITURE_RUN_ID: runId,
      CONFITURE_HOOK_ID: 'probe',
      CONFITURE_ATTEMPT: '1',
      CONFITURE_MIGRATION_VERSION: '0002',
      CONFITURE_MIGRATION_NAME: 'add_orders_index',
      CONFITURE_PROJECT: 'shop',
    });
    const [row] = await readExecutions(db.pool, 'confiture', runId);
    expect(row).toMatchObject({ outcome: 'success', attempt: 1, kind: 'command' });
    expect(row!.outputExcerpt).toContain('exit 0');
    expect(row!.outputExcerpt).toContain('"note":"checked"');
  });

  it('treats a non-zero exit as a failure and closes the gate with stderr as the reason', async () => {
    const runner = runnerFor({ hooks: [{ id: 'ci-gate', on: ['before_run'], kind: 'command', command: 'echo "change freeze until Monday" >&2; exit 3' }] }, { projectDir: project.dir, pool: db.pool });
    const runId = crypto.randomUUID();
    const r = await runner.fire('before_run', ctxFor('before_run', runId));
    expect(r.gate).toEqual({ proceed: false, by: 'ci-gate', reason: expect.stringContaining('change freeze until Monday') });
    expect(r.gate!.reason).toContain('code 3');
    const [row] = await readExecutions(db.pool, 'confiture', runId);
    expect(row!.outcome).toBe('failure');
    expect(row!.outputExcerpt).toContain('stderr:\nchange freeze until Monday');
  });

  it('treats {"ok": false} on stdout as a failure even with exit code 0', async () => {
    const runner = runnerFor(
      { hooks: [{ id: 'check', on: ['before_migration'], kind: 'command', command: `echo '{"ok": false, "reason": "replica lag 45s"}'` }] },
      { projectDir: project.dir, pool: db.pool },
    );
    const r = await runner.fire('before_migration', ctxFor('before_migration', crypto.randomUUID()));
    expect(r.gate).toMatchObject({ proceed: false, by: 'check', reason: 'hook check failed: replica lag 45s' });
  });

  it('kills a command (and its children) that outlives its timeout', async () => {
    const pidFile = path.join(project.dir, 'sleeper.pid');
    const runner = runnerFor(
      { hooks: [{ id: 'sleepy', on: ['after_run'], kind: 'command', command: `sh -c 'echo $$ > ${pidFile}; exec sleep 30'`, timeoutMs: 1_500, policy: 'warn' }] },
      { projectDir: project.dir, pool: db.pool },
    );
    const t0 = Date.now();
    const r = await runner.fire('after_run', ctxFor('after_run', crypto.randomUUID()));
    // 1.5 s: time for a loaded machine to spawn the shell and write its pid; far below the 30 s sleep
    expect(Date.now() - t0).toBeLessThan(8_000);
    expect(r.executions[0]).toMatchObject({ outcome: 'timeout', error: 'killed after its 1500 ms timeout' });
    const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
    expect(await goneWithin(pid, 2_000)).toBe(true);
  });

  it('runs parallel hooks with at most maxConcurrency at once, and sequential ones one by one', async () => {
    const hooks = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, on: ['after_migration', 'after_run'], kind: 'command', command: 'sleep 0.3' }));
    const runner = runnerFor({ phases: { after_migration: { strategy: 'parallel', maxConcurrency: 2 } }, hooks }, { projectDir: project.dir, pool: db.pool });
    const runId = crypto.randomUUID();
    const par = await runner.fire('after_migration', ctxFor('after_migration', runId));
    expect(par.executions.every((e) => e.outcome === 'success')).toBe(true);
    // measured from the recorded start/end times: two at once, never more (a wall-clock bound
    // would only measure how busy the machine is)
    expect(maxOverlap(par.executions)).toBe(2);
    const seq = await runner.fire('after_run', ctxFor('after_run', runId));
    expect(maxOverlap(seq.executions)).toBe(1);
    // the same answer from what was recorded in the database
    const rows = await readExecutions(db.pool, 'confiture', runId);
    expect(maxOverlap(rows.filter((e) => e.phase === 'after_migration'))).toBe(2);
  });

  it('enforces the phase timeout: hooks still running are stopped, the rest are not started', async () => {
    // a finishes well inside the phase's 3 s, b would sleep 30 s and is stopped at the phase
    // timeout, c is never started (budgets wide enough for a loaded CI machine's process spawns)
    const hooks = [
      { id: 'a', on: ['before_validate'], kind: 'command', command: 'sleep 0.1', policy: 'warn' },
      { id: 'b', on: ['before_validate'], kind: 'command', command: 'sleep 30', policy: 'warn' },
      { id: 'c', on: ['before_validate'], kind: 'command', command: 'sleep 0.1', policy: 'warn' },
    ];
    const runner = runnerFor({ phases: { before_validate: { timeoutMs: 3_000 } }, hooks }, { projectDir: project.dir, pool: db.pool });
    const t0 = Date.now();
    const r = await runner.fire('before_validate', ctxFor('before_validate', crypto.randomUUID()));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2_900);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(r.executions.map((e) => [e.hookId, e.outcome])).toEqual([
      ['a', 'success'],
      ['b', 'timeout'],
      ['c', 'skipped'],
    ]);
    expect(r.warnings).toHaveLength(2);
  });
});
