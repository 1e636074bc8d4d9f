import { z } from 'zod';
import { procedure, stream } from './define';
import type { ErrorValue } from '../errors';
import type { AbComparison, BaselineListItem, PerfHistory, CaptureOverhead, Comparison, PlanDiff, PlanSummary, Workload } from '../domain/perf';

const projectDir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
/** a baseline: id (file stem), name (latest with it), `latest`, `previous`, or `capture:<id>` for a capture made by perf/compare */
const baselineRef = z.string().min(1).max(300);
const baselineName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/, 'letters, digits, _ . - (at most 81 characters)');

export interface PerfWorkloadInfo {
  file: string;
  exists: boolean;
  workload: Workload | null;
  /** validation error (file, line, field) when the file exists but is invalid */
  error: ErrorValue | null;
}

export interface PerfCaptureResult {
  id: string;
  name: string;
  /** null when not saved */
  file: string | null;
  queries: number;
  errors: { id: string; error: string }[];
  overhead: CaptureOverhead;
  notes: string[];
}

export interface PerfCompareResult extends Comparison {
  /** raw timings per compared query, for the distribution charts */
  samples: { id: string; baseline: number[]; current: number[] }[];
}

export interface PerfAbResult extends AbComparison {
  /** the paired timings per compared query (before, after), for the charts */
  samples: { id: string; before: number[]; after: number[] }[];
}

export interface PerfPlanResult {
  queryId: string;
  plan: PlanSummary | null;
  planError: string | null;
  against: PlanSummary | null;
  diff: PlanDiff | null;
}

export interface PerfProgress {
  phase: 'prepare' | 'warmup' | 'explain' | 'timed' | 'done';
  done: number;
  total: number;
  query?: string;
}

export const perfProcedures = {
  'perf/workload': procedure<PerfWorkloadInfo>()(z.object({ dir: projectDir }).strict()),
  'perf/baselines': procedure<BaselineListItem[]>()(z.object({ dir: projectDir }).strict()),
  /** each query's median and quartiles across the newest `limit` baselines */
  'perf/history': procedure<PerfHistory>()(z.object({ dir: projectDir, limit: z.number().int().min(1).max(500).optional() }).strict()),
  'perf/capture': procedure<PerfCaptureResult>()(
    z
      .object({
        dir: projectDir,
        connectionId,
        name: baselineName,
        runs: z.number().int().min(5).max(10_000).optional(),
        warmup: z.number().int().min(0).max(1_000).optional(),
        only: z.array(z.string().min(1).max(63)).max(5_000).optional(),
        environment: z.string().min(1).max(64).optional(),
      })
      .strict(),
  ),
  'perf/compare': procedure<PerfCompareResult>()(
    z
      .object({
        dir: projectDir,
        base: baselineRef,
        /** omitted: capture now on `connectionId` (kept in memory as `capture:<id>`, not saved) */
        current: baselineRef.optional(),
        connectionId: connectionId.optional(),
        runs: z.number().int().min(5).max(10_000).optional(),
        alpha: z.number().gt(0).lt(0.5).optional(),
        threshold: z.number().gt(0).lt(10).optional(),
      })
      .strict(),
  ),
  /**
   * Interleaved A/B: the workload alternately on `connectionId` (before) and either a clone of it
   * with the project files in `apply` run on the clone, or `afterConnectionId`.
   */
  'perf/ab': procedure<PerfAbResult>()(
    z
      .object({
        dir: projectDir,
        connectionId,
        afterConnectionId: connectionId.optional(),
        /** project-relative SQL files applied to the clone, in order (e.g. migrations) */
        apply: z.array(z.string().min(1).max(4096)).max(1_000).optional(),
        runs: z.number().int().min(5).max(10_000).optional(),
        alpha: z.number().gt(0).lt(0.5).optional(),
        threshold: z.number().gt(0).lt(10).optional(),
        seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
        /** how runs are timed: the server's planning + execution time (default) or the client's wall time */
        timing: z.enum(['server', 'client']).optional(),
      })
      .strict()
      .refine((v) => !(v.afterConnectionId && v.apply?.length), { message: 'apply and afterConnectionId exclude each other', path: ['apply'] }),
  ),
  'perf/plan': procedure<PerfPlanResult>()(
    z.object({ dir: projectDir, baseline: baselineRef, queryId: z.string().min(1).max(200), against: baselineRef.optional() }).strict(),
  ),
} as const;

export const perfStreams = {
  /** progress of captures on a connection */
  'perf/progress': stream<PerfProgress>()(z.object({ connectionId }).strict()),
} as const;
