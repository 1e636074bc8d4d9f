/**
 * Secrets and hooks on a real database: what a command hook inherits, and what is stored in
 * hook_executions when a hook prints a password (stdout, stderr, an SQL error, an HTTP body).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConnectionString } from '../../../src-main/db';
import { readExecutions } from '../../../src-main/hooks';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { ctxFor, runnerFor } from './harness';
import { startReceiver, type Receiver } from '../../helpers/receiver';

let db: TestDatabase;
let project: TempProject;
let receiver: Receiver;
let pool: pg.Pool;
/** the password of the connection the hooks run on: the server's own, or (trust auth) a short one */
let password: string;

beforeAll(async () => {
  db = await createTestDatabase('cf_hooks_secrets');
  project = makeProject();
  receiver = await startReceiver();
  const url = new URL(db.url);
  // a trust-auth server ignores the password: give it a 3-character one, the kind that used to slip through
  if (!url.password) url.password = 'q7Z';
  password = decodeURIComponent(url.password);
  // opened the way the app and the CLI open every connection
  const resolved = resolveConnectionString(url.toString(), { mode: 'disable' });
  pool = new pg.Pool({ ...resolved.config, max: 2 });
  fs.writeFileSync(path.join(project.dir, 'leak.txt'), password);
});

afterAll(async () => {
  await pool?.end();
  await receiver?.close();
  project?.remove();
  await db?.drop();
});

describe('command hook environment', () => {
  it('starts from an allow-list: no DATABASE_URL, PGPASSWORD or other secrets unless the hook names them', async () => {
    const out = path.join(project.dir, 'env.json');
    fs.writeFileSync(path.join(project.dir, 'env.mjs'), `import fs from 'node:fs'; fs.writeFileSync(process.argv[2], JSON.stringify(process.env));`);
    const env = {
      PATH: process.env.PATH,
      HOME: '/home/dba',
      LANG: 'C.UTF-8',
      LC_ALL: 'C.UTF-8',
      DATABASE_URL: 'postgres://app:hunter2@db.internal/prod',
      PGPASSWORD: 'hunter2',
      AWS_SECRET_ACCESS_KEY: 'AKIA-secret',
      GITHUB_TOKEN: 'ghp_secret',
      DEPLOY_ENV: 'staging',
    };
    const hooks = [{ id: 'probe', on: ['before_run'], kind: 'command', command: [process.execPath, 'env.mjs', out], env: { DATABASE_URL: '${env:DATABASE_URL}', TARGET: '${env:DEPLOY_ENV}' } }];
    const r = await runnerFor({ hooks }, { projectDir: project.dir, pool, env }).fire('before_run', ctxFor('before_run', crypto.randomUUID()));
    expect(r.gate).toEqual({ proceed: true });
    const seen = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
    expect(seen).toMatchObject({ PATH: process.env.PATH, HOME: '/home/dba', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', CONFITURE_HOOK_ID: 'probe', TARGET: 'staging' });
    // asked for by name: passed
    expect(seen.DATABASE_URL).toBe('postgres://app:hunter2@db.internal/prod');
    // not asked for: absent
    for (const k of ['PGPASSWORD', 'AWS_SECRET_ACCESS_KEY', 'GITHUB_TOKEN', 'DEPLOY_ENV']) expect(seen).not.toHaveProperty(k);
  });
});

describe('redaction before hook output is stored', () => {
  it('removes the connection password from stdout and stderr of a command hook', async () => {
    const runId = crypto.randomUUID();
    const hooks = [{ id: 'leaky', on: ['after_run'], kind: 'command', command: 'echo "connected with $(cat leak.txt)"; echo "auth: $(cat leak.txt)" >&2; exit 1', policy: 'warn' }];
    await runnerFor({ hooks }, { projectDir: project.dir, pool }).fire('after_run', ctxFor('after_run', runId));
    const [row] = await readExecutions(pool, 'confiture', runId);
    expect(row!.outputExcerpt).toContain('connected with [redacted:connection password]');
    expect(row!.outputExcerpt).toContain('auth: [redacted:connection password]');
    expect(row!.error).toContain('[redacted:connection password]');
    expect(JSON.stringify(row)).not.toContain(password);
  });

  it('removes it from an SQL hook error and from an HTTP response body', async () => {
    receiver.respond(() => ({ status: 500, body: `upstream said: password ${password} rejected` }));
    const runId = crypto.randomUUID();
    const quoted = password.replace(/'/g, "''");
    const hooks = [
      { id: 'sqlleak', on: ['after_run'], kind: 'sql', sql: `DO $$ BEGIN RAISE EXCEPTION 'login failed with %', '${quoted}'; END $$`, policy: 'warn' },
      { id: 'httpleak', on: ['after_run'], kind: 'http', url: receiver.url, policy: 'warn', retries: 0 },
    ];
    await runnerFor({ hooks }, { projectDir: project.dir, pool }).fire('after_run', ctxFor('after_run', runId));
    const rows = await readExecutions(pool, 'confiture', runId);
    expect(rows.map((r) => [r.hookId, r.outcome])).toEqual([
      ['sqlleak', 'failure'],
      ['httpleak', 'failure'],
    ]);
    expect(rows[0]!.error).toContain('login failed with [redacted:connection password]');
    expect(rows[1]!.outputExcerpt).toContain('upstream said: password [redacted:connection password] rejected');
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  it('redacts a secret of any length resolved from ${env:…}, even three characters', async () => {
    const runId = crypto.randomUUID();
    const hooks = [{ id: 'tok', on: ['after_run'], kind: 'command', command: 'echo "token=$TOKEN"', env: { TOKEN: '${env:SHORT_TOKEN}' } }];
    await runnerFor({ hooks }, { projectDir: project.dir, pool, env: { PATH: process.env.PATH, SHORT_TOKEN: 'k4x' } }).fire('after_run', ctxFor('after_run', runId));
    const [row] = await readExecutions(pool, 'confiture', runId);
    expect(row!.outputExcerpt).toContain('token=[redacted:SHORT_TOKEN]');
    expect(row!.outputExcerpt).not.toContain('k4x');
  });
});
