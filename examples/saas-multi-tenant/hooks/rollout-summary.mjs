// A `module` hook: Confiture imports this file and calls the default export with the lifecycle
// context and { signal, attempt, hookId }. Returning { ok: false, reason } (or throwing) fails it.
import fs from 'node:fs';
import path from 'node:path';

export default async function rolloutSummary(ctx, { signal }) {
  if (signal.aborted) return { ok: false, reason: 'cancelled' };
  const dir = path.join(ctx.project.dir, 'run-log');
  fs.mkdirSync(dir, { recursive: true });
  const line = { at: ctx.at, runKind: ctx.runKind, project: ctx.project.name, database: ctx.database.label, outcome: ctx.outcome ?? null, durationMs: ctx.durationMs ?? null };
  fs.appendFileSync(path.join(dir, 'rollouts.jsonl'), JSON.stringify(line) + '\n');
  return { ok: true, wrote: 'run-log/rollouts.jsonl' };
}
