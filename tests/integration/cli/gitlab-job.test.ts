/**
 * The GitLab CI job of docs/guides/ci.md, tried as written: its `script:` lines run in bash in a
 * git repository whose merge request adds migrations, with the CLI of this repository on PATH
 * (the `npm install -g` line is the only one left out: scripts/check-package.mjs covers it).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { codeQualityValidator, errorsOf } from '../../helpers/schemas';
import { bin, repo } from './run-cli';

// every case runs several CLI processes: minutes on a loaded 2-core machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

interface Job {
  script: string[];
  variables: Record<string, string>;
  artifacts: { reports: { codequality: string } };
}

function jobFromGuide(): Job {
  const guide = fs.readFileSync(path.join(repo, 'docs', 'guides', 'ci.md'), 'utf8');
  const block = /```yaml\n# confiture-gitlab-job\n([\s\S]*?)```/.exec(guide);
  if (!block) throw new Error('docs/guides/ci.md has no ```yaml block starting with # confiture-gitlab-job');
  return (parseYaml(block[1]!) as Record<string, Job>)['confiture-migrations']!;
}

let db: TestDatabase;
let work: string;
let shims: string;
let base: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: work, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'ci', GIT_AUTHOR_EMAIL: 'ci@x', GIT_COMMITTER_NAME: 'ci', GIT_COMMITTER_EMAIL: 'ci@x' } }).trim();

function runJob(job: Job, extraEnv: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const lines = job.script.filter((l) => !l.startsWith('npm install -g'));
  const env: NodeJS.ProcessEnv = { ...process.env, ...job.variables, CI_PROJECT_DIR: work, CONFITURE_DATA_DIR: path.join(work, '.confiture-data'), CI_MERGE_REQUEST_DIFF_BASE_SHA: base, PATH: `${shims}:${process.env.PATH}`, CONFITURE_LOG_LEVEL: 'silent', ...extraEnv };
  delete env.DATABASE_URL;
  delete env.VITEST;
  return new Promise((resolve) =>
    execFile('bash', ['-c', lines.join('\n')], { cwd: work, env, timeout: 300_000 }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })),
  );
}

beforeAll(async () => {
  db = await createTestDatabase('cf_gitlab');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-gitlab-'));
  shims = path.join(work, '.bin');
  fs.mkdirSync(shims);
  fs.writeFileSync(path.join(shims, 'confiture'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`, { mode: 0o755 });
  fs.mkdirSync(path.join(work, 'db', 'migrations'), { recursive: true });
  fs.writeFileSync(path.join(work, 'db', 'confiture.yaml'), 'name: shop\n');
  fs.writeFileSync(path.join(work, 'db', 'migrations', '0001_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n');
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'base');
  base = git('rev-parse', 'HEAD');
}, 120_000);

afterAll(async () => {
  await db?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('the GitLab CI job of docs/guides/ci.md', () => {
  it('passes with an empty Code Quality report when no migration changed', async () => {
    const r = await runJob(jobFromGuide(), {});
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(work, 'gl-code-quality-report.json'), 'utf8'))).toEqual([]);
  });

  it('reports the changed migrations in Code Quality format, scores risk, and fails on findings', async () => {
    fs.writeFileSync(path.join(work, 'db', 'migrations', '0002_orders_index.up.sql'), 'CREATE INDEX orders_customer ON orders (customer_id);\n');
    git('add', '-A');
    git('commit', '-qm', 'index');
    const job = jobFromGuide();
    const r = await runJob(job, { STAGING_DATABASE_URL: db.url });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(fs.readFileSync(path.join(work, job.artifacts.reports.codequality), 'utf8')) as { check_name: string; location: { path: string } }[];
    const validate = codeQualityValidator();
    expect(validate(report), errorsOf(validate)).toBe(true);
    expect(report.map((i) => i.location.path)).toEqual(expect.arrayContaining(['db/migrations/0002_orders_index.up.sql']));
    expect(report.every((i) => i.location.path === 'db/migrations/0002_orders_index.up.sql')).toBe(true);
    expect(report.map((i) => i.check_name)).toContain('require-concurrent-index-creation');
    expect(r.stdout).toContain('### Lint: ❌ failed');
    expect(fs.readFileSync(path.join(work, 'confiture-risk.md'), 'utf8')).toMatch(/\| `0002 orders_index` \|/);
  });
});
