/**
 * `migrate up` refused by a before_run hook says so — which hook, and what it printed — and lists
 * the migrations it did not run; never "nothing to do" while migrations are pending.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { confiture } from './run-cli';

let db: TestDatabase;
let project: TempProject;
let dataDir: string;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-gate-'));
  db = await createTestDatabase('cf_gate_refusal');
  project = makeProject(
    { '0001_accounts.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\n', '0002_notes.up.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);\n' },
    `name: gated
risk:
  requireApprovalAbove: null
hooks:
  hooks:
    - id: change-freeze
      on: [before_run]
      kind: command
      command: 'echo "change freeze until Monday" >&2; exit 3'
`,
  );
}, 120_000);

afterAll(async () => {
  project?.remove();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('migrate up refused by a before_run hook', () => {
  it('names the gate, the hook and its output, lists what did not run, and exits non-zero', { timeout: 120_000 }, async () => {
    const r = await confiture(['migrate', 'up', '-p', project.dir, '--db', db.url], { dataDir });
    expect(r.code).not.toBe(0);
    expect(r.stdout).not.toMatch(/nothing to do/);
    expect(r.stdout).toMatch(/refused at before_run: change-freeze stopped the run at before_run: hook change-freeze failed: .*change freeze until Monday/);
    expect(r.stdout).toMatch(/not_run\s+0001_accounts/);
    expect(r.stdout).toMatch(/not_run\s+0002_notes/);
    const json = await confiture(['migrate', 'up', '-p', project.dir, '--db', db.url, '--format', 'json'], { dataDir });
    const out = JSON.parse(json.stdout) as { outcome: string; migrations: { version: string; outcome: string }[]; error: { code: string; message: string } };
    expect(out.outcome).toBe('policy_failure');
    expect(out.migrations.map((m) => [m.version, m.outcome])).toEqual([
      ['0001', 'not_run'],
      ['0002', 'not_run'],
    ]);
    expect(out.error.message).toContain('change freeze until Monday');
    const t = await db.pool.query("SELECT to_regclass('accounts') AS t");
    expect(t.rows[0].t).toBeNull();
  });
});
