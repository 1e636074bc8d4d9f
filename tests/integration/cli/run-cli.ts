/** Runs `bin/confiture.mjs` as a DBA would: a real process, its exit code, stdout and stderr. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const bin = path.join(repo, 'bin', 'confiture.mjs');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function confiture(args: string[], opts: { dataDir?: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CONFITURE_LOG_LEVEL: 'silent', ...(opts.dataDir ? { CONFITURE_DATA_DIR: opts.dataDir } : {}), ...opts.env };
    delete env.DATABASE_URL;
    delete env.VITEST;
    if (opts.env?.DATABASE_URL) env.DATABASE_URL = opts.env.DATABASE_URL;
    execFile(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repo, env, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
