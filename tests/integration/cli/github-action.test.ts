/**
 * The GitHub Action's script (action/review.ts), run locally as the runner would: a simulated
 * pull_request event, a fake GitHub REST API on 127.0.0.1 that records every request, the real
 * CLI and a real database for risk. First run creates the comment, the second updates it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { COMMENT_MARKER, review } from '../../../action/review';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { errorsOf, sarifValidator } from '../../helpers/schemas';
import { confiture, repo } from './run-cli';

// every case runs several CLI processes: minutes on a loaded 2-core machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: unknown;
}

async function fakeGitHub(files: { filename: string; status: string }[]) {
  const requests: Recorded[] = [];
  const comments: { id: number; body: string; html_url: string; user: { login: string } }[] = [{ id: 5, body: 'LGTM, but see the index', html_url: 'https://github.test/c/5', user: { login: 'alice' } }];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as { body: string }) : null;
      requests.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, body });
      const u = new URL(req.url ?? '/', 'http://x');
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      if (req.method === 'GET' && u.pathname === '/repos/acme/shop/pulls/7/files') return json(200, u.searchParams.get('page') === '1' ? files : []);
      if (req.method === 'GET' && u.pathname === '/repos/acme/shop/issues/7/comments') return json(200, u.searchParams.get('page') === '1' ? comments : []);
      if (req.method === 'POST' && u.pathname === '/repos/acme/shop/issues/7/comments') {
        const c = { id: 901, body: body!.body, html_url: 'https://github.test/c/901', user: { login: 'github-actions[bot]' } };
        comments.push(c);
        return json(201, c);
      }
      const m = /^\/repos\/acme\/shop\/issues\/comments\/(\d+)$/.exec(u.pathname);
      if (req.method === 'PATCH' && m) {
        const c = comments.find((x) => x.id === Number(m[1]));
        if (!c) return json(404, { message: 'Not Found' });
        c.body = body!.body;
        return json(200, c);
      }
      json(404, { message: 'Not Found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, comments, close: () => new Promise<void>((r) => server.close(() => r())) };
}

let db: TestDatabase;
let workspace: string;
let gh: Awaited<ReturnType<typeof fakeGitHub>>;
let env: NodeJS.ProcessEnv;
const token = 'ghs_fakeTokenForTheTest0123456789';

beforeAll(async () => {
  db = await createTestDatabase('cf_action');
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-action-'));
  const migrations = path.join(workspace, 'db', 'migrations');
  fs.mkdirSync(migrations, { recursive: true });
  fs.writeFileSync(path.join(workspace, 'db', 'confiture.yaml'), 'name: shop\nrisk:\n  requireApprovalAbove: low\n');
  fs.writeFileSync(path.join(migrations, '0001_orders.up.sql'), 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n');
  fs.writeFileSync(path.join(migrations, '0002_orders_index.up.sql'), 'CREATE INDEX orders_customer ON orders (customer_id);\n');
  fs.writeFileSync(path.join(migrations, '0003_orders_note.up.sql'), 'ALTER TABLE orders ADD COLUMN note text NOT NULL DEFAULT \'\';\n');
  fs.writeFileSync(path.join(workspace, 'event.json'), JSON.stringify({ action: 'synchronize', number: 7, pull_request: { number: 7, head: { sha: '0123456789abcdef0123' } } }));
  const applied = await confiture(['migrate', 'up', '-p', path.join(workspace, 'db'), '--db', db.url, '--to', '0001'], { dataDir: path.join(workspace, 'data') });
  expect(applied.code, applied.stderr).toBe(0);
  gh = await fakeGitHub([
    { filename: 'db/migrations/0002_orders_index.up.sql', status: 'added' },
    { filename: 'db/migrations/0003_orders_note.up.sql', status: 'modified' },
    { filename: 'README.md', status: 'modified' },
    { filename: 'db/migrations/0000_gone.up.sql', status: 'removed' },
  ]);
  env = {
    ...process.env,
    GITHUB_EVENT_PATH: path.join(workspace, 'event.json'),
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: gh.url,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: path.join(workspace, 'outputs.txt'),
    GITHUB_STEP_SUMMARY: path.join(workspace, 'summary.md'),
    INPUT_PROJECT: 'db',
    INPUT_DATABASE_URL: db.url,
    INPUT_GITHUB_TOKEN: token,
    INPUT_SARIF_FILE: 'confiture.sarif',
    CONFITURE_DATA_DIR: path.join(workspace, 'data'),
    CONFITURE_LOG_LEVEL: 'silent',
  };
  delete env.DATABASE_URL;
  delete env.VITEST;
}, 240_000);

afterAll(async () => {
  await gh?.close();
  await db?.drop();
  fs.rmSync(workspace, { recursive: true, force: true });
});

describe('the GitHub Action script', () => {
  it('creates one comment with findings, locks, risk with intervals and approvals still needed, and writes SARIF', async () => {
    const r = await review(env);
    expect(r).toMatchObject({ changed: ['db/migrations/0002_orders_index.up.sql', 'db/migrations/0003_orders_note.up.sql'], lintExitCode: 1, riskExitCode: 0, action: 'created', commentUrl: 'https://github.test/c/901' });
    const posts = gh.requests.filter((q) => q.method === 'POST');
    expect(posts.map((q) => q.url)).toEqual(['/repos/acme/shop/issues/7/comments']);
    expect(gh.requests.every((q) => q.authorization === `Bearer ${token}`)).toBe(true);
    const body = (posts[0]!.body as { body: string }).body;
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain('## Confiture review: 2 migrations changed');
    expect(body).toContain('[require-concurrent-index-creation]');
    expect(body).toContain('`db/migrations/0002_orders_index.up.sql:1`');
    expect(body).toMatch(/\| `0002 orders_index` \| .+ \| [\d.]+ \[[\d.]+–[\d.]+\] \| ~.+ \(.+–.+\) \| /);
    expect(body).toMatch(/ShareLock on (public\.)?orders/);
    expect(body).toContain('**Approvals still needed**');
    expect(body).not.toContain(db.url);
    const sarif = JSON.parse(fs.readFileSync(path.join(workspace, 'confiture.sarif'), 'utf8')) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const validate = sarifValidator();
    expect(validate(sarif), errorsOf(validate)).toBe(true);
    expect(sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(/^db\/migrations\/000[23]_/);
    const outputs = fs.readFileSync(env.GITHUB_OUTPUT!, 'utf8');
    expect(outputs).toContain('lint-exit-code=1\n');
    expect(outputs).toContain('risk-exit-code=0\n');
    expect(outputs).toContain(`sarif=${path.join(workspace, 'confiture.sarif')}\n`);
    expect(outputs).not.toContain(token);
  });

  it('updates the same comment on the next push instead of posting another (run as action.yml runs it)', async () => {
    gh.requests.length = 0;
    fs.writeFileSync(path.join(workspace, 'db', 'migrations', '0002_orders_index.up.sql'), 'CREATE INDEX CONCURRENTLY orders_customer ON orders (customer_id);\n');
    const tsx = path.join(repo, 'node_modules', '.bin', 'tsx');
    const out = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(tsx, [path.join(repo, 'action', 'review.ts')], { cwd: workspace, env, timeout: 240_000 }, (err, _stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stderr })),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toContain('comment updated');
    expect(gh.requests.filter((q) => q.method === 'POST')).toEqual([]);
    const patches = gh.requests.filter((q) => q.method === 'PATCH');
    expect(patches.map((q) => q.url)).toEqual(['/repos/acme/shop/issues/comments/901']);
    expect(gh.comments.filter((c) => c.body.includes(COMMENT_MARKER))).toHaveLength(1);
    expect(gh.comments.find((c) => c.id === 5)!.body).toBe('LGTM, but see the index');
    expect((patches[0]!.body as { body: string }).body).not.toContain('require-concurrent-index-creation](');
  });

  it('is wired by action.yml: inputs mapped to the environment the script reads, SARIF uploaded, a verdict step', () => {
    const action = parseYaml(fs.readFileSync(path.join(repo, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown>; runs: { using: string; steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[] } };
    expect(action.runs.using).toBe('composite');
    const step = action.runs.steps.find((s) => s.id === 'review')!;
    expect(step.run).toContain('action/review.ts');
    for (const name of ['project', 'database-url', 'github-token', 'sarif-file', 'comment']) {
      expect(Object.keys(action.inputs)).toContain(name);
      expect(step.env![`INPUT_${name.toUpperCase().replace(/-/g, '_')}`]).toBe(`\${{ inputs.${name} }}`);
    }
    expect(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
  });
});
