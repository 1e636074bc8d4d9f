/**
 * Metrics of a project's migrations, read from its tracking schema: runs, migration and statement
 * durations, lock-timeout retries, hook outcomes, SLO budgets and burn rates, and whether a run
 * holds the run lock right now. Served by `confiture metrics` in the Prometheus text format, for
 * node_exporter's textfile collector, a Pushgateway or any scraper (docs/guides/observability.md).
 *
 *   const families = await collectMetrics(pool, project, { version });
 *   process.stdout.write(renderPrometheus(families));
 */
import type pg from 'pg';
import { quoteIdent } from '../db';
import { readLockHolder } from '../engine';
import type { Project } from '../project';
import { sloReport } from '../slo';
import { migrationStatus } from '../status';
import type { HistogramSample, Labels, MetricFamily, Sample } from './exposition';

export { renderPrometheus, PROMETHEUS_CONTENT_TYPE, OPENMETRICS_CONTENT_TYPE, METRIC_NAME, formatValue } from './exposition';
export type { MetricFamily, Sample, HistogramSample, Labels, MetricType } from './exposition';

type Queryable = Pick<pg.Pool, 'query'>;

/** Bucket upper bounds in seconds: 10 ms to 1 h covers a statement and a long migration alike. */
export const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

async function columnExists(db: Queryable, schema: string, table: string, column: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3) AS ok', [schema, table, column]);
  return r.rows[0]?.ok === true;
}

async function tableExists(db: Queryable, schema: string, table: string): Promise<boolean> {
  const r = await db.query<{ ok: boolean }>('SELECT to_regclass($1) IS NOT NULL AS ok', [`${quoteIdent(schema)}.${quoteIdent(table)}`]);
  return r.rows[0]?.ok === true;
}

/**
 * A histogram counted by the server: `source` selects label columns `l0..ln` and a duration `d`
 * in seconds; buckets are cumulative counts per label set.
 */
async function histogram(db: Queryable, source: string, labelNames: string[], base: Labels): Promise<HistogramSample[]> {
  const cols = labelNames.map((_, i) => `l${i}`);
  const group = cols.length ? `GROUP BY ${cols.join(", ")} ORDER BY ${cols.join(", ")}` : "";
  const r = await db.query<Record<string, unknown> & { n: string; total: number | null; counts: string[] }>(
    `SELECT ${cols.length ? `${cols.join(', ')}, ` : ''}count(*) AS n, sum(d) AS total,
            ARRAY[${DURATION_BUCKETS.map((_, i) => `count(*) FILTER (WHERE d <= $${i + 1}::float8)`).join(', ')}] AS counts
     FROM (${source}) x WHERE d IS NOT NULL ${group}`,
    DURATION_BUCKETS,
  );
  return r.rows.map((row) => ({
    labels: { ...base, ...Object.fromEntries(labelNames.map((n, i) => [n, String(row[`l${i}`] ?? 'unknown')])) },
    buckets: DURATION_BUCKETS.map((le, i) => ({ le, count: Number(row.counts[i] ?? 0) })),
    count: Number(row.n),
    sum: Number(row.total ?? 0),
  }));
}

export interface CollectOptions {
  /** the confiture version, in confiture_build_info */
  version: string;
}

/** Every metric family of the project, from its tracking schema (empty families when nothing is recorded yet). */
export async function collectMetrics(db: Queryable, project: Project, opts: CollectOptions): Promise<MetricFamily[]> {
  const s = quoteIdent(project.trackingSchema);
  const base: Labels = { project: project.name };
  const [hasRuns, hasHistory, hasStatements, hasHooks] = await Promise.all(
    ['runs', 'migration_history', 'statement_runs', 'hook_executions'].map((t) => tableExists(db, project.trackingSchema, t)),
  );
  const families: MetricFamily[] = [{ name: 'confiture_build_info', help: 'The confiture version that produced these metrics (always 1).', type: 'gauge', samples: [{ labels: { ...base, version: opts.version }, value: 1 }] }];

  const { migrations } = await migrationStatus(project, db as pg.Pool);
  const byState = new Map<string, number>(['applied', 'pending', 'changed', 'missing'].map((k) => [k, 0]));
  for (const m of migrations) byState.set(m.state, (byState.get(m.state) ?? 0) + 1);
  families.push({ name: 'confiture_migrations', help: 'Migrations of the project by state: applied, pending, changed (checksum differs), missing (applied, file gone).', type: 'gauge', samples: [...byState].map(([state, value]) => ({ labels: { ...base, state }, value })) });

  const runs: Sample[] = [];
  let runDurations: HistogramSample[] = [];
  if (hasRuns) {
    const r = await db.query<{ kind: string; outcome: string; n: string }>(`SELECT kind, outcome, count(*) AS n FROM ${s}.runs GROUP BY 1, 2 ORDER BY 1, 2`);
    for (const row of r.rows) runs.push({ labels: { ...base, kind: row.kind, outcome: row.outcome }, value: Number(row.n) });
    runDurations = await histogram(db, `SELECT kind AS l0, outcome AS l1, extract(epoch FROM finished_at - started_at)::float8 AS d FROM ${s}.runs WHERE finished_at IS NOT NULL`, ['kind', 'outcome'], base);
  }
  families.push({ name: 'confiture_runs_total', help: 'Recorded migration runs by kind (up, down, step) and outcome (success, failed, cancelled, policy_failure, running).', type: 'counter', samples: runs });
  families.push({ name: 'confiture_run_duration_seconds', help: 'Wall time of finished runs.', type: 'histogram', unit: 'seconds', samples: runDurations });
  // measured blocking (tracking schema 5): what each migration made other sessions wait, as the lock monitor saw it
  let blockedSessions = 0;
  let blockedWaits: HistogramSample[] = [];
  if (hasRuns && (await columnExists(db, project.trackingSchema, 'runs', 'blocked_others'))) {
    const each = `FROM ${s}.runs r, jsonb_each(r.blocked_others) AS b(version, v) WHERE r.blocked_others IS NOT NULL`;
    const r = await db.query<{ n: string | null }>(`SELECT sum((b.v ->> 'sessions')::int) AS n ${each}`);
    blockedSessions = Number(r.rows[0]?.n ?? 0);
    blockedWaits = await histogram(db, `SELECT (b.v ->> 'longestWaitMs')::float8 / 1000.0 AS d ${each}`, [], base);
  }
  families.push({ name: 'confiture_migration_blocked_sessions_total', help: 'Sessions that waited on a migration\'s locks, as the lock monitor saw them (each session counted once per migration).', type: 'counter', samples: [{ labels: base, value: blockedSessions }] });
  families.push({
    name: 'confiture_migration_blocked_wait_seconds',
    help: 'Per migration that made others wait: the longest wait the lock monitor saw (a lower bound: sampled while statements run).',
    type: 'histogram',
    unit: 'seconds',
    samples: blockedWaits,
  });

  families.push({
    name: 'confiture_migration_duration_seconds',
    help: 'Time to apply or revert one migration (successful ones; a failed migration is a failed run).',
    type: 'histogram',
    unit: 'seconds',
    samples: hasHistory ? await histogram(db, `SELECT direction AS l0, duration_ms / 1000.0 AS d FROM ${s}.migration_history`, ['direction'], base) : [],
  });

  const retries: Sample[] = [];
  let statementDurations: HistogramSample[] = [];
  if (hasStatements) {
    statementDurations = await histogram(
      db,
      `SELECT coalesce(kind, 'unknown') AS l0, outcome AS l1, coalesce(duration_ms, extract(epoch FROM finished_at - started_at) * 1000) / 1000.0 AS d
       FROM ${s}.statement_runs WHERE finished_at IS NOT NULL`,
      ['kind', 'outcome'],
      base,
    );
    const r = await db.query<{ kind: string; retries: string; retried: string }>(
      `SELECT coalesce(kind, 'unknown') AS kind, sum(greatest(attempts - 1, 0)) AS retries, count(*) FILTER (WHERE attempts > 1) AS retried FROM ${s}.statement_runs GROUP BY 1 ORDER BY 1`,
    );
    for (const row of r.rows) retries.push({ labels: { ...base, kind: row.kind }, value: Number(row.retries) });
  }
  families.push({ name: 'confiture_statement_duration_seconds', help: 'Time of each executed statement by statement kind and outcome (a statement_timeout kill counts with its elapsed time).', type: 'histogram', unit: 'seconds', samples: statementDurations });
  families.push({ name: 'confiture_statement_lock_retries_total', help: 'Statement attempts repeated after waiting out lock_timeout (each one a lock wait that gave up and retried).', type: 'counter', samples: retries });

  const holder = await readLockHolder(db as pg.Pool, project.trackingSchema);
  families.push({ name: 'confiture_run_lock_held', help: 'Whether a migration run holds the run lock of this tracking schema now (1) or not (0).', type: 'gauge', samples: [{ labels: base, value: holder ? 1 : 0 }] });
  families.push({
    name: 'confiture_run_lock_held_seconds',
    help: 'How long the current holder has held the run lock (0 when free).',
    type: 'gauge',
    unit: 'seconds',
    samples: [{ labels: base, value: holder?.since ? Math.max(0, (Date.now() - Date.parse(holder.since)) / 1000) : 0 }],
  });

  const hookOutcomes: Sample[] = [];
  let hookDurations: HistogramSample[] = [];
  if (hasHooks) {
    const r = await db.query<{ hook_id: string; phase: string; outcome: string; n: string }>(
      `SELECT hook_id, phase, outcome, count(*) AS n FROM ${s}.hook_executions WHERE final GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    );
    for (const row of r.rows) hookOutcomes.push({ labels: { ...base, hook: row.hook_id, phase: row.phase, outcome: row.outcome }, value: Number(row.n) });
    hookDurations = await histogram(db, `SELECT hook_id AS l0, duration_ms / 1000.0 AS d FROM ${s}.hook_executions`, ['hook'], base);
  }
  families.push({ name: 'confiture_hook_executions_total', help: 'Hooks that ran, by hook, phase and final outcome (success, failure, timeout, skipped, ...) after retries.', type: 'counter', samples: hookOutcomes });
  families.push({ name: 'confiture_hook_attempt_duration_seconds', help: 'Duration of every hook attempt, retries included.', type: 'histogram', unit: 'seconds', samples: hookDurations });

  const slo = await sloReport(db, project);
  const objective = (o: { id: string; sli: string }) => ({ ...base, objective: o.id, sli: o.sli });
  families.push({ name: 'confiture_slo_objective_ratio', help: 'The objective: the share of good events to reach over the window (0..1).', type: 'gauge', samples: slo.objectives.map((o) => ({ labels: objective(o), value: o.objective })) });
  families.push({ name: 'confiture_slo_window_seconds', help: 'The window each objective is evaluated over.', type: 'gauge', unit: 'seconds', samples: slo.objectives.map((o) => ({ labels: objective(o), value: o.windowMs / 1000 })) });
  families.push({
    name: 'confiture_slo_events',
    help: 'Events counted by each objective over its window, good or bad.',
    type: 'gauge',
    samples: slo.objectives.flatMap((o) => [
      { labels: { ...objective(o), verdict: 'good' }, value: o.good },
      { labels: { ...objective(o), verdict: 'bad' }, value: o.bad },
    ]),
  });
  families.push({ name: 'confiture_slo_sli_ratio', help: 'The share of good events over the window (absent without data).', type: 'gauge', samples: slo.objectives.filter((o) => o.sliValue !== null).map((o) => ({ labels: objective(o), value: o.sliValue! })) });
  families.push({ name: 'confiture_slo_error_budget_remaining_ratio', help: 'Share of the error budget left (1 = untouched, 0 = spent, negative = overspent; absent without data).', type: 'gauge', samples: slo.objectives.filter((o) => o.budgetRemaining !== null).map((o) => ({ labels: objective(o), value: o.budgetRemaining! })) });
  families.push({
    name: 'confiture_slo_burn_rate',
    help: 'How fast the error budget burns: 1 spends it exactly over the window; over the short window and the whole window.',
    type: 'gauge',
    samples: slo.objectives.flatMap((o) => [
      ...(o.burnRate.short !== null ? [{ labels: { ...objective(o), window: o.burnRate.shortWindow }, value: o.burnRate.short }] : []),
      ...(o.burnRate.long !== null ? [{ labels: { ...objective(o), window: o.window }, value: o.burnRate.long }] : []),
    ]),
  });
  families.push({
    name: 'confiture_slo_status',
    help: 'The status of each objective: 1 for the current one of ok, at_risk, violated, no_data.',
    type: 'gauge',
    samples: slo.objectives.flatMap((o) => (['ok', 'at_risk', 'violated', 'no_data'] as const).map((status) => ({ labels: { ...objective(o), status }, value: o.status === status ? 1 : 0 }))),
  });
  return families;
}
