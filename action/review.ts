/**
 * The GitHub Action's work (action.yml runs it with tsx from the action's folder): find the
 * migrations a pull request adds or changes, lint them (SARIF for code scanning + Markdown),
 * score their risk against a database when `database-url` is given, and post ONE comment on
 * the pull request — updated in place on every later push (found by its hidden marker).
 *
 * Inputs come as environment variables (action.yml maps them): INPUT_PROJECT, INPUT_DATABASE_URL,
 * INPUT_GITHUB_TOKEN, INPUT_SARIF_FILE, INPUT_COMMENT; and GitHub's own: GITHUB_EVENT_PATH,
 * GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_WORKSPACE, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
 * Exits 0 with outputs set (the job's pass/fail is decided by a later step, after SARIF upload);
 * a non-zero exit means the action itself could not work (API refused, bad input).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openValidProject } from '../src-main/project';

export const COMMENT_MARKER = '<!-- confiture-review -->';
const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.join(here, '..', 'bin', 'confiture.mjs');

interface PullRequestEvent {
  pull_request?: { number: number; head?: { sha?: string } };
}

interface ChangedFile {
  filename: string;
  status: string;
}

export interface ReviewResult {
  changed: string[];
  lintExitCode: number | null;
  riskExitCode: number | null;
  commentUrl: string | null;
  action: 'created' | 'updated' | 'none';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v) throw new Error(`${name} is not set (is this a pull_request event?)`);
  return v;
}

/** A small client of the GitHub REST API (the endpoints the review needs). */
function github(env: NodeJS.ProcessEnv) {
  const api = (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/$/, '');
  const token = required(env, 'INPUT_GITHUB_TOKEN');
  const request = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
    const res = await fetch(url.startsWith('http') ? url : `${api}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'user-agent': 'confiture-action', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`GitHub API ${method} ${url}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
    return (await res.json()) as T;
  };
  /** every page of a list endpoint */
  const all = async <T>(url: string): Promise<T[]> => {
    const out: T[] = [];
    for (let page = 1; page <= 30; page++) {
      const batch = await request<T[]>('GET', `${url}${url.includes('?') ? '&' : '?'}per_page=100&page=${page}`);
      out.push(...batch);
      if (batch.length < 100) break;
    }
    return out;
  };
  return { request, all };
}

function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
      process.stderr.write(c);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

function setOutputs(env: NodeJS.ProcessEnv, outputs: Record<string, string>): void {
  if (!env.GITHUB_OUTPUT) return;
  fs.appendFileSync(env.GITHUB_OUTPUT, Object.entries(outputs).map(([k, v]) => `${k}=${v.replace(/\n/g, ' ')}\n`).join(''));
}

export function commentBody(parts: { changed: string[]; lint: string | null; risk: string | null; riskNote: string | null; sha: string | null }): string {
  const head = `## Confiture review: ${parts.changed.length} migration${parts.changed.length === 1 ? '' : 's'} changed`;
  if (parts.changed.length === 0) return [COMMENT_MARKER, head, '', 'This pull request no longer changes any migration.', ''].join('\n');
  return [
    COMMENT_MARKER,
    head,
    '',
    parts.changed.map((f) => `\`${f}\``).join(', '),
    '',
    parts.lint ?? '',
    parts.risk ?? `### Risk\n\n${parts.riskNote ?? ''}\n`,
    `<sub>confiture · ${parts.sha ? `commit ${parts.sha.slice(0, 12)} · ` : ''}this comment is updated on every push</sub>`,
    '',
  ].join('\n');
}

export async function review(env: NodeJS.ProcessEnv = process.env): Promise<ReviewResult> {
  const event = JSON.parse(fs.readFileSync(required(env, 'GITHUB_EVENT_PATH'), 'utf8')) as PullRequestEvent;
  const pr = event.pull_request;
  if (!pr) throw new Error('this action reviews pull requests: run it on `pull_request` events');
  const repo = required(env, 'GITHUB_REPOSITORY');
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? process.cwd());
  const project = openValidProject(path.resolve(workspace, env.INPUT_PROJECT || '.'));
  const gh = github(env);

  // the pull request's files that are up migrations of the project (added, modified or renamed)
  const files = await gh.all<ChangedFile>(`/repos/${repo}/pulls/${pr.number}/files`);
  const touched = new Set(files.filter((f) => f.status !== 'removed').map((f) => path.resolve(workspace, f.filename)));
  const migrations = project.migrations.filter((m) => touched.has(path.resolve(m.upPath)));
  const changed = migrations.map((m) => path.relative(workspace, m.upPath).split(path.sep).join('/'));

  let lintExitCode: number | null = null;
  let riskExitCode: number | null = null;
  let lint: string | null = null;
  let risk: string | null = null;
  let riskNote: string | null = null;
  const sarifFile = path.resolve(workspace, env.INPUT_SARIF_FILE || 'confiture.sarif');
  if (migrations.length > 0) {
    const paths = migrations.map((m) => m.upPath);
    const common = ['-p', project.dir, '--sarif-root', workspace];
    const sarif = await run(['lint', ...paths, ...common, '--format', 'sarif'], env, workspace);
    fs.writeFileSync(sarifFile, sarif.stdout);
    const md = await run(['lint', ...paths, ...common, '--format', 'markdown'], env, workspace);
    lintExitCode = md.code;
    lint = md.code === 0 || md.code === 1 || md.code === 2 ? md.stdout : `### Lint\n\nconfiture lint failed (exit ${md.code}): ${md.stderr.trim().split('\n').slice(-1)[0]}\n`;
    if (env.INPUT_DATABASE_URL) {
      const r = await run(['risk', '-p', project.dir, '--only', migrations.map((m) => m.version).join(','), '--format', 'markdown'], { ...env, DATABASE_URL: env.INPUT_DATABASE_URL }, workspace);
      riskExitCode = r.code;
      if (r.code === 0 || r.code === 1) risk = r.stdout;
      else riskNote = `confiture risk could not score the migrations (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-1)[0]}`;
    } else {
      riskNote = 'Not scored: give the action a `database-url` (a staging copy, or a replica the migrations are pending on) to score risk, blocking windows and approvals against the live catalog.';
    }
  }

  // one comment per pull request, found by its marker and edited in place
  let commentUrl: string | null = null;
  let action: ReviewResult['action'] = 'none';
  if ((env.INPUT_COMMENT ?? 'true') !== 'false') {
    const comments = await gh.all<{ id: number; body?: string; html_url: string }>(`/repos/${repo}/issues/${pr.number}/comments`);
    const mine = comments.find((c) => c.body?.includes(COMMENT_MARKER));
    if (mine || changed.length > 0) {
      const body = commentBody({ changed, lint, risk, riskNote, sha: pr.head?.sha ?? null });
      if (mine) {
        commentUrl = (await gh.request<{ html_url: string }>('PATCH', `/repos/${repo}/issues/comments/${mine.id}`, { body })).html_url;
        action = 'updated';
      } else {
        commentUrl = (await gh.request<{ html_url: string }>('POST', `/repos/${repo}/issues/${pr.number}/comments`, { body })).html_url;
        action = 'created';
      }
      if (env.GITHUB_STEP_SUMMARY) fs.appendFileSync(env.GITHUB_STEP_SUMMARY, body.replace(COMMENT_MARKER, ''));
    }
  }
  setOutputs(env, {
    changed: changed.join(' '),
    sarif: migrations.length > 0 ? sarifFile : '',
    'lint-exit-code': lintExitCode === null ? '' : String(lintExitCode),
    'risk-exit-code': riskExitCode === null ? '' : String(riskExitCode),
    'comment-url': commentUrl ?? '',
  });
  return { changed, lintExitCode, riskExitCode, commentUrl, action };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  review().then(
    (r) => console.warn(`confiture review: ${r.changed.length} migration(s); lint exit ${r.lintExitCode ?? '-'}, risk exit ${r.riskExitCode ?? '-'}; comment ${r.action}${r.commentUrl ? ` (${r.commentUrl})` : ''}`),
    (e: unknown) => {
      console.error(`confiture review: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(2);
    },
  );
}
