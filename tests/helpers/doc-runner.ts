/**
 * Runs the ```sh runnable blocks of a markdown file as a reader would type them (see
 * docs/contributing.md, "Docs that cannot rot"): bash in a temporary copy of a project, with
 * `confiture` on PATH (this repository's bin/confiture.mjs), `DATABASE_URL` set to a fresh
 * database on the test server, and a local HTTP receiver standing in for Slack, PagerDuty and
 * webhooks. Blocks of one file share their session (project folder + database) in order, so a
 * guide can `migrate up` in one block and `status` in the next.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from './db';
import type { Fence } from './markdown';
import { startReceiver as startHttpReceiver, type Receiver, type Received } from './receiver';

export type ReceivedRequest = Received;

export interface BlockRun {
  where: string;
  code: number;
  expected: number;
  stdout: string;
  stderr: string;
}

interface Session {
  dir: string;
  db: TestDatabase;
}

/** A local stand-in for Slack / PagerDuty / any webhook receiver: records every request. */
export async function startReceiver(): Promise<Receiver> {
  const receiver = await startHttpReceiver();
  receiver.respond((req) =>
    req.path.startsWith('/pagerduty')
      ? { status: 202, contentType: 'application/json', body: '{"status":"success","message":"Event processed"}' }
      : { status: 200, body: 'ok' },
  );
  return receiver;
}

function copyProject(repo: string, project: string | undefined, into: string): void {
  if (project) fs.cpSync(path.join(repo, project), into, { recursive: true, filter: (src) => !/[/\\](node_modules|perf[/\\]baselines)([/\\]|$)/.test(src) });
  else {
    fs.mkdirSync(path.join(into, 'migrations'), { recursive: true });
    fs.writeFileSync(path.join(into, 'confiture.yaml'), 'name: docs\n');
  }
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-eo', 'pipefail', '-c', script], { cwd, env, timeout: 600_000, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs the runnable blocks of one file in order. `yaml runnable file=PATH` blocks are written
 * into the session's project (they are validated by the unit docs test); `sh runnable` blocks
 * run with bash -e -o pipefail and must exit with `exit=N` (default 0).
 */
export async function runDocument(repo: string, fences: Fence[]): Promise<{ runs: BlockRun[]; requests: ReceivedRequest[] }> {
  const receiver = await startReceiver();
  const receiverUrl = receiver.url;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-docs-'));
  // the embedded server (scratch databases of `drift`, `baseline`) runs as the postgres OS user when we are root
  fs.chmodSync(root, 0o755);
  const binDir = path.join(root, 'bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(path.join(binDir, 'confiture'), `#!/bin/sh\nexec "${process.execPath}" "${path.join(repo, 'bin', 'confiture.mjs')}" "$@"\n`, { mode: 0o755 });
  const sessions = new Map<string, Session>();
  const runs: BlockRun[] = [];
  let current: string | null = null;
  try {
    for (const f of fences) {
      if (!f.runnable) continue;
      const key: string = f.attrs.session ?? f.attrs.project ?? current ?? '(empty project)';
      let s = sessions.get(key);
      if (!s) {
        const dir = path.join(root, `project-${sessions.size + 1}`);
        copyProject(repo, f.attrs.project, dir);
        s = { dir, db: await createTestDatabase('cf_docs') };
        sessions.set(key, s);
      }
      current = key;
      const where = `${f.file}:${f.line}`;
      if (f.lang === 'yaml' || f.lang === 'yml') {
        if (f.attrs.file) {
          const target = path.join(s.dir, f.attrs.file);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, f.body);
        }
        continue;
      }
      const env: NodeJS.ProcessEnv = {
        PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`,
        HOME: process.env.HOME ?? root,
        LANG: 'C.UTF-8',
        DATABASE_URL: s.db.url,
        CONFITURE_DATA_DIR: path.join(root, 'data'),
        CONFITURE_LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        RECEIVER_URL: receiverUrl,
        SLACK_WEBHOOK_URL: `${receiverUrl}/slack`,
        PAGERDUTY_EVENTS_URL: `${receiverUrl}/pagerduty`,
        PAGERDUTY_ROUTING_KEY: 'R0UT1NGKEY0000000000000000000000',
        WEBHOOK_URL: `${receiverUrl}/webhook`,
        WEBHOOK_TOKEN: 'docs-test-token',
      };
      const r = await bash(f.body, s.dir, env);
      runs.push({ where, code: r.code, expected: Number(f.attrs.exit ?? 0), stdout: r.stdout, stderr: r.stderr });
    }
  } finally {
    for (const s of sessions.values()) await s.db.drop().catch(() => undefined);
    fs.rmSync(root, { recursive: true, force: true });
    await receiver.close();
  }
  return { runs, requests: receiver.received };
}
