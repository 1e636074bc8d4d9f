/**
 * `command` hooks: a process gets the context as JSON on stdin and CONFITURE_* variables, in an
 * allow-listed environment (INHERITED_ENV) plus the variables its `env` asks for by name.
 * Non-zero exit, or a last stdout line `{ "ok": false, "reason": ... }`, is a failure.
 * On timeout the whole process group is killed (SIGTERM, then SIGKILL).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { LifecycleContext } from '../../../src-shared/domain/lifecycle';
import type { CommandHookConfig } from '../config';
import { redactText } from '../../logging';
import { interpolateEnv } from '../secrets';
import { failureFromResult, type AttemptInput, type AttemptResult } from './types';

const MAX_CAPTURE = 64 * 1024;

/**
 * What a command hook inherits from Confiture's environment: enough to find programs, a home,
 * a locale, a temp dir. Nothing else — no DATABASE_URL, PGPASSWORD, cloud or CI tokens — unless
 * the hook asks for a variable by name: `env: { DATABASE_URL: "${env:DATABASE_URL}" }` (the
 * value is then redacted from the hook's recorded output).
 */
export const INHERITED_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'TZ',
  'TERM',
  'TMPDIR',
  'TMP',
  'TEMP',
  // Windows needs these to start anything
  'SYSTEMROOT',
  'SystemRoot',
  'COMSPEC',
  'ComSpec',
  'PATHEXT',
  'WINDIR',
  'USERPROFILE',
];

/** The allow-listed part of an environment (INHERITED_ENV and the LC_* locale variables). */
export function inheritedEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && (INHERITED_ENV.includes(k) || k.startsWith('LC_'))) out[k] = v;
  return out;
}
const KILL_GRACE_MS = 1_000;

/** The CONFITURE_* variables a command hook sees. */
export function contextEnv(ctx: LifecycleContext, hookId: string, attempt: number, projectDir: string): Record<string, string> {
  const env: Record<string, string> = {
    CONFITURE_EVENT: ctx.event,
    CONFITURE_PHASE: ctx.event,
    CONFITURE_RUN_ID: ctx.runId,
    CONFITURE_RUN_KIND: ctx.runKind,
    CONFITURE_HOOK_ID: hookId,
    CONFITURE_ATTEMPT: String(attempt),
    CONFITURE_AT: ctx.at,
    CONFITURE_PROJECT: ctx.project.name,
    CONFITURE_PROJECT_DIR: projectDir,
    CONFITURE_DATABASE: ctx.database.label,
    CONFITURE_SERVER_VERSION_NUM: String(ctx.database.serverVersionNum),
  };
  if (ctx.migration) {
    env.CONFITURE_MIGRATION_VERSION = ctx.migration.version;
    env.CONFITURE_MIGRATION_NAME = ctx.migration.name;
    env.CONFITURE_MIGRATION_CHECKSUM = ctx.migration.checksum;
  }
  if (ctx.statement) {
    env.CONFITURE_STATEMENT_INDEX = String(ctx.statement.index);
    env.CONFITURE_STATEMENT_KIND = ctx.statement.kind;
  }
  if (ctx.outcome) env.CONFITURE_OUTCOME = ctx.outcome;
  if (ctx.durationMs !== undefined) env.CONFITURE_DURATION_MS = String(Math.round(ctx.durationMs));
  if (ctx.error) env.CONFITURE_ERROR = redactText(ctx.error.message).slice(0, 2000);
  return env;
}

class Capture {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  push(b: Buffer): void {
    if (this.size >= MAX_CAPTURE) {
      this.truncated = true;
      return;
    }
    this.chunks.push(b);
    this.size += b.length;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8').slice(0, MAX_CAPTURE);
  }
}

function lastJsonLine(stdout: string): unknown {
  const lines = stdout.trim().split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1];
  if (!last || !last.startsWith('{')) return undefined;
  try {
    return JSON.parse(last) as unknown;
  } catch {
    return undefined;
  }
}

export async function runCommandHook(input: AttemptInput<CommandHookConfig>): Promise<AttemptResult> {
  const { hook, ctx, signal } = input;
  const extraEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(hook.env)) extraEnv[k] = interpolateEnv(v, input.env, input.secrets, `env.${k}`);
  const cwd = hook.cwd ? path.resolve(input.projectDir, hook.cwd) : input.projectDir;
  const env = { ...inheritedEnv(input.env), ...extraEnv, ...contextEnv(ctx, hook.id, input.attempt, input.projectDir) };
  const [file, args, shell] = typeof hook.command === 'string' ? [hook.command, [], true] : [hook.command[0]!, hook.command.slice(1), false];

  return new Promise<AttemptResult>((resolve) => {
    const stdout = new Capture();
    const stderr = new Capture();
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, args, { cwd, env, shell, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const killGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        child.kill(sig);
      }
    };
    const onAbort = () => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    // a command that never reads stdin must not fail the hook
    child.stdin.on('error', () => undefined);
    child.stdin.end(JSON.stringify(ctx) + '\n');

    const finish = (r: AttemptResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      resolve(r);
    };
    child.on('error', (e) => finish({ ok: false, output: null, error: `cannot start ${file}: ${e.message}` }));
    child.on('close', (code, sig) => {
      const out = stdout.text();
      const err = stderr.text();
      const output =
        [`exit ${code ?? sig}`, out ? `stdout:\n${out}${stdout.truncated ? '\n[truncated]' : ''}` : '', err ? `stderr:\n${err}${stderr.truncated ? '\n[truncated]' : ''}` : '']
          .filter(Boolean)
          .join('\n');
      if (timedOut) return finish({ ok: false, output, error: `killed after its ${input.timeoutMs} ms timeout`, timedOut: true });
      if (code !== 0) {
        const lastErr = err.trim().split('\n').pop() ?? '';
        return finish({ ok: false, output, error: `exited with ${code === null ? `signal ${sig}` : `code ${code}`}${lastErr ? `: ${lastErr.slice(0, 500)}` : ''}` });
      }
      const reason = failureFromResult(lastJsonLine(out));
      if (reason) return finish({ ok: false, output, error: reason });
      finish({ ok: true, output, error: null });
    });
  });
}
