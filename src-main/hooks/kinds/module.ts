/**
 * `module` hooks: a .js/.mjs/.ts file inside the project exporting
 * `async function (ctx, { signal, attempt, hookId })`. Returning nothing or `{ ok: true, ... }`
 * is success; `{ ok: false, reason }` or throwing is a failure. TypeScript is loaded with tsx.
 * A module that ignores `signal` cannot be stopped: the runner stops waiting at the timeout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ModuleHookConfig } from '../config';
import { failureFromResult, type AttemptInput, type AttemptResult } from './types';

type HookFunction = (ctx: unknown, opts: { signal: AbortSignal; attempt: number; hookId: string }) => unknown;

export function resolveModulePath(projectDir: string, file: string): string {
  const abs = path.resolve(projectDir, file);
  const rel = path.relative(projectDir, abs);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`module ${file} is outside the project folder ${projectDir}`);
  return abs;
}

async function load(file: string): Promise<Record<string, unknown>> {
  const mtime = fs.statSync(file).mtimeMs;
  // the query string reloads an edited module in a long-lived app
  const url = `${pathToFileURL(file).href}?v=${Math.round(mtime)}`;
  if (/\.(c|m)?tsx?$/.test(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

export async function runModuleHook(input: AttemptInput<ModuleHookConfig>): Promise<AttemptResult> {
  const { hook } = input;
  let fn: HookFunction;
  try {
    const file = resolveModulePath(input.projectDir, hook.module);
    if (!fs.existsSync(file)) return { ok: false, output: null, error: `module ${hook.module} not found in ${input.projectDir}` };
    const mod = await load(file);
    let exported = mod[hook.export];
    // tsx may wrap a CommonJS-style default once more
    if (hook.export === 'default' && exported && typeof exported === 'object' && 'default' in exported) exported = (exported as { default: unknown }).default;
    if (typeof exported !== 'function') return { ok: false, output: null, error: `module ${hook.module} does not export a function "${hook.export}"` };
    fn = exported as HookFunction;
  } catch (e) {
    return { ok: false, output: null, error: `cannot load module ${hook.module}: ${(e as Error).message}` };
  }
  try {
    const value = await fn(input.ctx, { signal: input.signal, attempt: input.attempt, hookId: hook.id });
    const output = value === undefined ? null : JSON.stringify(value, null, 1)?.slice(0, 8000) ?? null;
    if (input.signal.aborted) return { ok: false, output, error: `stopped after its ${input.timeoutMs} ms timeout`, timedOut: true };
    const reason = failureFromResult(value);
    return reason ? { ok: false, output, error: reason } : { ok: true, output, error: null };
  } catch (e) {
    if (input.signal.aborted) return { ok: false, output: null, error: `stopped after its ${input.timeoutMs} ms timeout`, timedOut: true };
    return { ok: false, output: null, error: (e as Error)?.message ?? String(e) };
  }
}
