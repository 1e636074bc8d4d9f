// A TypeScript `module` hook: the default export receives the lifecycle context (see
// docs/reference/hooks-api.md for its fields per phase) and { signal, attempt, hookId }.
import fs from 'node:fs';
import path from 'node:path';

interface Ctx {
  event: string;
  runId: string;
  runKind: string;
  at: string;
  project: { dir: string; name: string };
  database: { label: string };
  migration?: { version: string; name: string; checksum: string };
  outcome?: string;
}

export default async function changeRecord(ctx: Ctx): Promise<{ ok: boolean; reason?: string }> {
  if (ctx.runKind !== 'up' && ctx.runKind !== 'down') return { ok: true }; // rehearsals are not changes
  if (!ctx.migration) return { ok: false, reason: 'after_migration without a migration' };
  const file = path.join(ctx.project.dir, 'run-log', 'change-records.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const record = { at: ctx.at, runId: ctx.runId, kind: ctx.runKind, database: ctx.database.label, version: ctx.migration.version, name: ctx.migration.name, sha256: ctx.migration.checksum, outcome: ctx.outcome ?? null };
  fs.appendFileSync(file, `${JSON.stringify(record)}\n`);
  return { ok: true };
}
