/**
 * A fleet rollout runs the same lifecycle as `migrate up` on each target: a migration above the
 * project's approval threshold that nobody approved fails the canary with the gate's reason (the
 * workers used to apply it without asking); one sign-off anchored in the control database lets
 * the resumed rollout apply it everywhere (issue 15 with the approvals of issue 10/11).
 */
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { openFleet, planRollout, resumeRollout, startRollout, startWorker } from '../../../src-main/fleet';
import { openValidProject } from '../../../src-main/project';
import { createTestDatabase, urlFor, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { confiture } from '../cli/run-cli';
import { createDatabases, dropDatabases, onDatabase, settleRollout } from './helpers';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 180_000 });

const suffix = crypto.randomBytes(4).toString('hex');
const targets = [0, 1, 2].map((i) => `cf_fleet_ap_${suffix}_${i}`);
let control: TestDatabase;
let tmp: TempProject;
let ctx: AppContext;

async function columnsOf(db: string): Promise<string[]> {
  const r = await onDatabase(db, (c) => c.query<{ attname: string }>("SELECT attname FROM pg_attribute WHERE attrelid = 'ap_items'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
  return r.rows.map((x) => x.attname);
}

beforeAll(async () => {
  control = await createTestDatabase('cf_fleet_ap');
  await createDatabases(targets);
  // no risk settings: the default policy requires an approval above low
  tmp = makeProject(
    {
      '0001_items.up.sql': 'CREATE TABLE ap_items (id int PRIMARY KEY, legacy text);\n',
      '0002_drop_legacy.up.sql': 'ALTER TABLE ap_items DROP COLUMN legacy;\n',
    },
    `name: fleet-approvals
tracking: { schema: fleet_ap }
targets:
${targets.map((t, i) => `  t${i}: { url: "${urlFor(t)}" }`).join('\n')}
environments:
  prod: { targets: [${targets.map((_, i) => `t${i}`).join(', ')}] }
fleet:
  control: ${control.url}
  jobTimeout: 60s
  jobRetries: 0
  rollout:
    concurrency: 2
    errorBudget: 1
    waves: [{ name: canary, size: 1 }, { size: rest }]
`,
  );
  ctx = createContext({ mode: 'cli' });
});

afterAll(async () => {
  await ctx?.close();
  tmp?.remove();
  await dropDatabases(targets);
  await control?.drop();
});

describe('fleet rollouts and the approval policy', () => {
  it('an unapproved migration above the threshold stops the canary; one sign-off anchored in the control database lets resume apply it everywhere', async () => {
    const p = openValidProject(tmp.dir);
    const fleet = await openFleet(p, ctx, { supervise: true });
    const worker = await startWorker({ ctl: fleet.ctl, project: p, ctx, concurrency: 2, pollingIntervalSeconds: 0.5, id: 'ap-worker' });
    try {
      const id = await startRollout(fleet.ctl, await planRollout(p, { env: 'prod', openEmbedded: fleet.openEmbedded }));
      const stopped = await settleRollout(fleet, id);
      expect(stopped.rollout.state).toBe('stopped');
      const canary = stopped.targets.find((t) => t.wave === 0)!;
      expect(canary.state).toBe('failed');
      expect(canary.error?.message).toMatch(/Migration 0002 is (medium|high) risk \(score [0-9.]+\) and the project requires an approval above "low": 0002 has not been approved/);
      // the canary ran 0001 (low) and stopped before 0002; nobody else was touched
      expect(await columnsOf(targets[Number(canary.name.slice(1))]!)).toEqual(['id', 'legacy']);
      expect(stopped.targets.filter((t) => t.wave > 0).every((t) => t.state === 'pending')).toBe(true);

      // a DBA reviews 0002 against the canary and signs off (the CLI); the decision is anchored in the control database
      const canaryUrl = urlFor(targets[Number(canary.name.slice(1))]!);
      const approved = await confiture(['approve', '0002', '-p', tmp.dir, '--by', 'dana', '--comment', 'legacy column unused since v41', '--db', canaryUrl, '--anchor', control.url, '--format', 'json']);
      expect(approved.code, approved.stderr).toBe(0);
      const out = JSON.parse(approved.stdout) as { anchored: boolean; state: string; record: { level: string } };
      expect(out).toMatchObject({ anchored: true, state: 'approved' });
      expect(out.record.level).not.toBe('low');
      const anchors = await control.pool.query('SELECT version, decided_by FROM fleet_ap.approval_anchor');
      expect(anchors.rows).toEqual([{ version: '0002', decided_by: 'dana' }]);

      await resumeRollout(fleet.ctl, id);
      const done = await settleRollout(fleet, id);
      expect(done.rollout.state).toBe('completed');
      expect(done.targets.every((t) => t.state === 'applied')).toBe(true);
      for (const t of targets) expect(await columnsOf(t)).toEqual(['id']);
    } finally {
      await worker.stop();
      await fleet.close();
    }
  });
});
