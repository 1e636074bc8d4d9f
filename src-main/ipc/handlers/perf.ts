import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Baseline } from '../../../src-shared/domain/perf';
import type { PerfAbResult, PerfCaptureResult } from '../../../src-shared/contract/perf';
import { connectClient } from '../../db/connection';
import type { AppContext } from '../../context';
import { ConfitureError, toErrorValue } from '../../errors';
import {
  baselineHistory,
  capture,
  captureAB,
  compareAB,
  compareBaselines,
  diffPlans,
  listBaselines,
  loadWorkload,
  normalisePlan,
  perfConfigOf,
  perfPaths,
  rehearseAB,
  resolveBaseline,
  saveBaseline,
} from '../../perf';
import { openProject, type Project } from '../../project';
import type { Handlers, StreamHandlers } from '../router';

type PerfProcedure = 'perf/workload' | 'perf/baselines' | 'perf/capture' | 'perf/compare' | 'perf/plan' | 'perf/ab' | 'perf/history';

/** captures made by perf/compare against "now": kept in memory (not saved), the last few only */
const recent = new Map<string, Baseline>();
function remember(b: Baseline): string {
  const id = `capture:${crypto.randomUUID()}`;
  b.id = id;
  recent.set(id, b);
  while (recent.size > 5) recent.delete(recent.keys().next().value!);
  return id;
}

function resolveRef(project: Project, ref: string): Baseline {
  if (ref.startsWith('capture:')) {
    const b = recent.get(ref);
    if (!b) throw new ConfitureError('not_found', `The capture ${ref} is no longer in memory: capture again or save it as a baseline`, { field: 'baseline' });
    return b;
  }
  if (ref.includes('/') || ref.includes('\\')) throw new ConfitureError('invalid_input', 'Refer to a baseline by id or name, not by path', { field: 'baseline' });
  return resolveBaseline(perfPaths(project).baselines, ref);
}

async function captureOn(ctx: AppContext, project: Project, connectionId: string, o: { name: string; runs?: number; warmup?: number; only?: string[]; environment?: string }) {
  const config = perfConfigOf(project);
  const workload = await loadWorkload(perfPaths(project).workload);
  const client = await ctx.connections.client(connectionId);
  try {
    return await capture({
      client,
      workload,
      config,
      name: o.name,
      connectionLabel: ctx.connections.info(connectionId).label,
      confitureVersion: ctx.version,
      projectDir: project.dir,
      ...(o.runs !== undefined ? { runs: o.runs } : {}),
      ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
      ...(o.only ? { only: o.only } : {}),
      ...(o.environment ? { environment: o.environment } : {}),
      onProgress: (p) => ctx.streams.publish('perf/progress', connectionId, p),
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const perfHandlers: Pick<Handlers, PerfProcedure> = {
  'perf/workload': async ({ dir }) => {
    const project = openProject(dir);
    const file = perfPaths(project).workload;
    try {
      return { file, exists: true, workload: await loadWorkload(file), error: null };
    } catch (e) {
      const error = toErrorValue(e);
      return { file, exists: error.code !== 'not_found', workload: null, error };
    }
  },
  'perf/baselines': async ({ dir }) => listBaselines(perfPaths(openProject(dir)).baselines),
  'perf/history': async ({ dir, limit }) => baselineHistory(perfPaths(openProject(dir)).baselines, limit ?? 30),
  'perf/capture': async ({ dir, connectionId, name, runs, warmup, only, environment }, ctx): Promise<PerfCaptureResult> => {
    const project = openProject(dir);
    const b = await captureOn(ctx, project, connectionId, {
      name,
      ...(runs !== undefined ? { runs } : {}),
      ...(warmup !== undefined ? { warmup } : {}),
      ...(only ? { only } : {}),
      ...(environment ? { environment } : {}),
    });
    const file = saveBaseline(perfPaths(project).baselines, b);
    return {
      id: b.id,
      name: b.name,
      file,
      queries: b.queries.length,
      errors: b.queries.filter((q) => q.error).map((q) => ({ id: q.id, error: q.error! })),
      overhead: b.overhead,
      notes: b.notes,
    };
  },
  'perf/compare': async ({ dir, base, current, connectionId, runs, alpha, threshold }, ctx) => {
    const project = openProject(dir);
    const config = perfConfigOf(project);
    const a = resolveRef(project, base);
    let b: Baseline;
    if (current) b = resolveRef(project, current);
    else {
      if (!connectionId) throw new ConfitureError('invalid_input', 'Give a second baseline, or a connectionId to capture now', { field: 'connectionId' });
      b = await captureOn(ctx, project, connectionId, { name: 'now', runs: runs ?? a.capture.runs });
      remember(b);
    }
    const cmp = compareBaselines(a, b, { ...config, ...(alpha !== undefined ? { alpha } : {}), ...(threshold !== undefined ? { threshold } : {}) });
    const bq = new Map(b.queries.map((q) => [q.id, q]));
    return {
      ...cmp,
      samples: cmp.queries.map((q) => ({ id: q.id, baseline: a.queries.find((x) => x.id === q.id)?.samplesMs ?? [], current: bq.get(q.id)?.samplesMs ?? [] })),
    };
  },
  'perf/ab': async ({ dir, connectionId, afterConnectionId, apply, runs, alpha, threshold, seed, timing }, ctx): Promise<PerfAbResult> => {
    const project = openProject(dir);
    const config = perfConfigOf(project);
    const workload = await loadWorkload(perfPaths(project).workload);
    const files = (apply ?? []).map((rel, i) => {
      const file = path.resolve(project.dir, rel);
      if (path.relative(project.dir, file).startsWith('..') || path.isAbsolute(path.relative(project.dir, file))) {
        throw new ConfitureError('invalid_input', `apply[${i}]: ${rel} is outside the project`, { field: `apply[${i}]` });
      }
      if (!fs.existsSync(file)) throw new ConfitureError('not_found', `apply[${i}]: no such file ${rel}`, { file: rel, field: `apply[${i}]` });
      return { name: rel, sql: fs.readFileSync(file, 'utf8') };
    });
    const common = {
      workload,
      config,
      ...(runs !== undefined ? { runs } : {}),
      ...(seed !== undefined ? { orderSeed: seed } : {}),
      ...(timing !== undefined ? { timing } : {}),
      onProgress: (p: { phase: 'prepare' | 'warmup' | 'explain' | 'timed' | 'done'; done: number; total: number; query?: string }) => ctx.streams.publish('perf/progress', connectionId, p),
    };
    let cap;
    if (afterConnectionId) {
      const open = { before: () => ctx.connections.client(connectionId), after: () => ctx.connections.client(afterConnectionId) };
      cap = await captureAB({ ...common, open, labels: { before: ctx.connections.info(connectionId).label, after: ctx.connections.info(afterConnectionId).label } });
    } else {
      const resolved = ctx.connections.resolved(connectionId);
      const r = await rehearseAB({
        ...common,
        connect: (database) => connectClient({ ...resolved, config: { ...resolved.config, database } }),
        source: resolved.database,
        apply: files,
        label: ctx.connections.info(connectionId).label,
      });
      cap = r.capture;
    }
    const cmp = compareAB(cap, { alpha: alpha ?? config.alpha, threshold: threshold ?? config.threshold });
    const byId = new Map(cap.cases.map((c) => [c.id, c]));
    return { ...cmp, samples: cmp.queries.map((q) => ({ id: q.id, before: byId.get(q.id)!.pairs.map((p) => p.a), after: byId.get(q.id)!.pairs.map((p) => p.b) })) };
  },
  'perf/plan': async ({ dir, baseline, queryId, against }) => {
    const project = openProject(dir);
    const b = resolveRef(project, baseline);
    const q = b.queries.find((x) => x.id === queryId);
    if (!q) throw new ConfitureError('not_found', `No query ${queryId} in baseline ${b.id || b.name}`, { field: 'queryId' });
    let plan = null;
    let planError: string | null = q.explainError ?? q.error ?? null;
    if (q.explain) {
      try {
        plan = normalisePlan(q.explain);
      } catch (e) {
        planError = (e as Error).message;
      }
    }
    let other = null;
    let diff = null;
    if (against) {
      const o = resolveRef(project, against).queries.find((x) => x.id === queryId);
      if (o?.explain) {
        other = normalisePlan(o.explain);
        if (plan) diff = diffPlans(plan.root, other.root);
      }
    }
    return { queryId, plan, planError, against: other, diff };
  },
};

export const perfStreamHandlers: Pick<StreamHandlers, 'perf/progress'> = {
  'perf/progress': ({ connectionId }, ctx, emit) => ctx.streams.subscribe('perf/progress', connectionId, (e) => emit(e as never)),
};
