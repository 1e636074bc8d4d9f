/**
 * Perf around migrations: a LifecycleListener that captures a baseline when a run (or a
 * rehearsal) starts and compares after it ends, then names the migration that most likely
 * caused each regression ("after 0042_drop_index, query orders_by_customer is 8.1× slower:
 * Index Scan → Seq Scan on orders").
 *
 * Attribution: the relations and indexes of the baseline plan nodes that changed are matched
 * against the names each migration of the run touches (read from its AST); a run of one
 * migration blames that one.
 *
 * The listener never gates a run (it answers nothing) and never throws: a failed capture is
 * recorded in the result instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';
import type { LifecycleContext, LifecycleListener, MigrationRef } from '../../src-shared/domain/lifecycle';
import type { Baseline, Comparison } from '../../src-shared/domain/perf';
import { childLogger } from '../logging';
import { initParser, parseSql } from '../parse';
import { saveBaseline } from './baselines';
import { compareBaselines, describe, planDiffOf } from './compare';
import type { PerfConfig } from './config';
import { normalisePlan } from './plan';
import { capture } from './profiler';
import { loadWorkload } from './workload';

const log = () => childLogger({ service: 'perf' });

export interface MigrationRegression {
  id: string;
  ratio: number;
  migration: string | null;
  message: string;
}

export interface MigrationPerfResult {
  runId: string;
  runKind: LifecycleContext['runKind'];
  migrations: string[];
  baselineId: string | null;
  currentId: string | null;
  comparison: Comparison | null;
  regressions: MigrationRegression[];
  error: string | null;
}

export interface PerfAroundOptions {
  projectDir: string;
  config: PerfConfig;
  /** opens a dedicated connection to the run's target; the listener ends it */
  connect: () => Promise<pg.Client>;
  connectionLabel: string;
  confitureVersion: string;
  /** keep the two captures as baselines in perf/baselines (default true) */
  save?: boolean;
  /** called with every comparison (the engine stores it in the run record) */
  onComparison?: (result: MigrationPerfResult, ctx: LifecycleContext) => void | Promise<void>;
}

export type PerfLifecycleListener = LifecycleListener & {
  /** results by run id, most recent last */
  results: Map<string, MigrationPerfResult>;
};

const migrationLabel = (m: MigrationRef) => `${m.version}_${m.name}`;

/** Names (relations, indexes, columns …) a migration's statements mention, lower-cased. */
export function namesTouched(sql: string): Set<string> {
  const names = new Set<string>();
  const parsed = parseSql(sql);
  const visit = (v: unknown): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    for (const [k, c] of Object.entries(v as Record<string, unknown>)) {
      if ((k === 'relname' || k === 'idxname' || k === 'sval' || k === 'indexname') && typeof c === 'string') names.add(c.toLowerCase());
      visit(c);
    }
  };
  for (const st of parsed.statements) visit(st.ast);
  return names;
}

/** Which migration of the run most likely caused a plan change on these relations / indexes. */
export function blameMigration(migrations: { label: string; names: Set<string> }[], suspects: { relations: string[]; indexes: string[] }): string | null {
  if (migrations.length === 0) return null;
  const score = (names: Set<string>) =>
    suspects.indexes.filter((i) => names.has(i.toLowerCase())).length * 2 + suspects.relations.filter((r) => names.has(r.toLowerCase())).length;
  let best: { label: string; s: number } | null = null;
  // the latest migration wins a tie: it ran last
  for (const m of migrations) {
    const s = score(m.names);
    if (s > 0 && (!best || s >= best.s)) best = { label: m.label, s };
  }
  if (best) return best.label;
  return migrations.length === 1 ? migrations[0]!.label : null;
}

/** Relations and indexes of the baseline-side nodes of a query's structural plan changes. */
function suspectsOf(base: Baseline['queries'][number], cur: Baseline['queries'][number]): { relations: string[]; indexes: string[] } {
  const diff = planDiffOf(base, cur);
  const relations = new Set<string>();
  const indexes = new Set<string>();
  if (diff && base.explain) {
    const root = normalisePlan(base.explain).root;
    const byId = new Map<string, { relation: string | null; index: string | null }>();
    const walk = (n: typeof root) => {
      byId.set(n.id, n);
      n.children.forEach(walk);
    };
    walk(root);
    for (const c of diff.changes) {
      if (c.relation) relations.add(c.relation);
      const node = c.baseId ? byId.get(c.baseId) : undefined;
      if (node?.index) indexes.add(node.index);
    }
  }
  return { relations: [...relations], indexes: [...indexes] };
}

export function attributeRegressions(base: Baseline, current: Baseline, comparison: Comparison, migrations: { label: string; names: Set<string> }[]): MigrationRegression[] {
  const cur = new Map(current.queries.map((q) => [q.id, q]));
  const out: MigrationRegression[] = [];
  for (const q of comparison.queries) {
    if (q.verdict !== 'regression') continue;
    const a = base.queries.find((x) => x.id === q.id);
    const b = cur.get(q.id);
    const suspects = a && b ? suspectsOf(a, b) : { relations: [], indexes: [] };
    const migration = blameMigration(migrations, suspects);
    q.blamedMigration = migration;
    q.message = describe(q, migration);
    out.push({ id: q.id, ratio: q.ratio, migration, message: q.message });
  }
  return out;
}

/**
 * A LifecycleListener: when `perf.autoAroundMigrations` is on, captures on before_run (and
 * before_dry_run when `perf.aroundDryRun`), compares on after_run / after_dry_run.
 *
 * Rehearsals: a dry run is rolled back, so a capture after it measures the database as it was;
 * the comparison is only meaningful when the rehearsal target keeps the change (a clone).
 */
export function perfAroundMigrations(opts: PerfAroundOptions): PerfLifecycleListener {
  const pending = new Map<string, Baseline | { error: string }>();
  const results = new Map<string, MigrationPerfResult>();
  const save = opts.save ?? true;
  const baselinesDir = path.resolve(opts.projectDir, opts.config.baselines);

  const doCapture = async (ctx: LifecycleContext, phase: string): Promise<Baseline> => {
    const workload = await loadWorkload(path.resolve(opts.projectDir, opts.config.workload));
    const client = await opts.connect();
    try {
      const b = await capture({
        client,
        workload,
        name: `run-${ctx.runId.slice(0, 12).replace(/[^A-Za-z0-9_.-]/g, '_')}-${phase}`,
        config: opts.config,
        connectionLabel: opts.connectionLabel,
        confitureVersion: opts.confitureVersion,
        projectDir: opts.projectDir,
        run: { runId: ctx.runId, phase: ctx.event, migrations: (ctx.plan ?? []).map(migrationLabel) },
      });
      if (save) saveBaseline(baselinesDir, b);
      return b;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  const listener = (async (ctx: LifecycleContext) => {
    if (!opts.config.autoAroundMigrations) return;
    const dry = ctx.event === 'before_dry_run' || ctx.event === 'after_dry_run';
    if (dry && !opts.config.aroundDryRun) return;
    if (ctx.event === 'before_run' || ctx.event === 'before_dry_run') {
      try {
        pending.set(ctx.runId, await doCapture(ctx, 'before'));
      } catch (e) {
        log().warn({ err: (e as Error).message, runId: ctx.runId }, 'perf capture before the run failed');
        pending.set(ctx.runId, { error: (e as Error).message });
      }
      return;
    }
    if (ctx.event !== 'after_run' && ctx.event !== 'after_dry_run') return;
    const before = pending.get(ctx.runId);
    if (!before) return;
    pending.delete(ctx.runId);
    const migrations = (ctx.plan ?? []).map(migrationLabel);
    const result: MigrationPerfResult = {
      runId: ctx.runId,
      runKind: ctx.runKind,
      migrations,
      baselineId: null,
      currentId: null,
      comparison: null,
      regressions: [],
      error: null,
    };
    try {
      if ('error' in before) throw new Error(`the capture before the run failed: ${before.error}`);
      result.baselineId = before.id;
      if (ctx.outcome && ctx.outcome !== 'success') throw new Error(`the run ended with ${ctx.outcome}: nothing to compare`);
      const after = await doCapture(ctx, 'after');
      result.currentId = after.id;
      const comparison = compareBaselines(before, after, opts.config);
      await initParser();
      const touched = (ctx.plan ?? []).map((m) => {
        let names = new Set<string>();
        try {
          names = namesTouched(fs.readFileSync(m.path, 'utf8'));
        } catch {
          // file gone: attribution falls back to the run
        }
        return { label: migrationLabel(m), names };
      });
      result.regressions = attributeRegressions(before, after, comparison, touched);
      result.comparison = comparison;
    } catch (e) {
      result.error = (e as Error).message;
      log().warn({ err: result.error, runId: ctx.runId }, 'perf comparison around the run failed');
    }
    results.set(ctx.runId, result);
    try {
      await opts.onComparison?.(result, ctx);
    } catch (e) {
      log().warn({ err: (e as Error).message }, 'perf onComparison callback failed');
    }
  }) as PerfLifecycleListener;
  listener.results = results;
  return listener;
}
