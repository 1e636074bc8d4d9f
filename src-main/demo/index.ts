/**
 * Fills the demo database with realistic volumes: applies the demo project's migrations up to the
 * baseline named in `seed/seed.yaml` through the engine, then runs the fill scripts in order
 * (`SET confiture.seed_scale = '<scale>'` first), publishing progress on 'demo/seedProgress'.
 * Idempotent: when every table of the seed already has rows, nothing runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { SeedProgress } from '../../src-shared/contract/app';
import type { AppContext } from '../context';
import { quoteIdent } from '../db';
import { runMigrations, targetFor } from '../engine';
import { ConfitureError } from '../errors';
import { childLogger } from '../logging';
import { openValidProject } from '../project';

const SeedPlanSchema = z
  .object({
    baseline: z.union([z.string(), z.number()]).transform(String),
    steps: z.array(z.object({ table: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/), file: z.string().regex(/^[\w.-]+\.sql$/), rows: z.number().int().nonnegative() }).strict()).min(1),
  })
  .strict();
export type SeedPlan = z.infer<typeof SeedPlanSchema>;

export function readSeedPlan(seedDir: string): SeedPlan {
  const file = path.join(seedDir, 'seed.yaml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ConfitureError('not_found', `The demo project has no seed plan (${file})`, { file });
  }
  const r = SeedPlanSchema.safeParse(parseYaml(text));
  if (!r.success) throw new ConfitureError('config_error', `${file}: ${r.error.issues[0]!.path.join('.')}: ${r.error.issues[0]!.message}`, { file });
  return r.data;
}

const qualified = (t: string) =>
  t
    .split('.')
    .map((x) => quoteIdent(x))
    .join('.');

export async function seedDemo(ctx: AppContext, connectionId: string, scale: number, projectDir = ctx.demoProjectDir()): Promise<{ rows: number; seconds: number; skipped: boolean }> {
  const started = performance.now();
  const log = childLogger({ service: 'demo' });
  const project = openValidProject(projectDir);
  const plan = readSeedPlan(path.join(project.dir, 'seed'));
  const total = plan.steps.length + 1;
  const progress = (p: Omit<SeedProgress, 'total'>) => ctx.streams.publish('demo/seedProgress', connectionId, { ...p, total } satisfies SeedProgress);

  progress({ step: `applying migrations up to ${plan.baseline}`, table: null, done: 0, finished: false });
  const report = await runMigrations(project, targetFor(ctx, connectionId), { kind: 'up', to: plan.baseline, appVersion: ctx.version });
  if (!report.ok) throw new ConfitureError(report.error?.code ?? 'migration_failed', `Seeding the demo: ${report.error?.message ?? 'migrations failed'}`, report.error?.where);

  const client = await ctx.connections.client(connectionId);
  try {
    const counts = async () => {
      let rows = 0;
      let empty = 0;
      for (const s of plan.steps) {
        const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(s.table)}`);
        rows += Number(r.rows[0]!.n);
        if (r.rows[0]!.n === '0') empty++;
      }
      return { rows, empty };
    };
    const before = await counts();
    if (before.empty === 0) {
      progress({ step: 'already seeded', table: null, done: total, finished: true });
      return { rows: before.rows, seconds: (performance.now() - started) / 1000, skipped: true };
    }
    await client.query("SELECT set_config('confiture.seed_scale', $1, false)", [String(scale)]);
    for (let i = 0; i < plan.steps.length; i++) {
      const s = plan.steps[i]!;
      progress({ step: `filling ${s.table} (~${Math.round(s.rows * scale).toLocaleString('en')} rows)`, table: s.table, done: i + 1, finished: false });
      const sql = fs.readFileSync(path.join(project.dir, 'seed', s.file), 'utf8');
      // a fill script is one trusted file of the demo project; run it whole in its own transaction
      await client.query(`BEGIN;\n${sql}\n;COMMIT;`).catch(async (e: unknown) => {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new ConfitureError('database_error', `Seeding ${s.table} (${s.file}) failed: ${(e as Error).message}`, { file: s.file });
      });
      await client.query(`ANALYZE ${qualified(s.table)}`);
    }
    const after = await counts();
    const seconds = (performance.now() - started) / 1000;
    log.info({ rows: after.rows, seconds }, 'demo seeded');
    progress({ step: 'done', table: null, done: total, finished: true });
    return { rows: after.rows, seconds, skipped: false };
  } finally {
    await client.end().catch(() => undefined);
  }
}
