/** The migration runner: plan, dry-run, apply, step-through, history; runner and lock-monitor streams. */
import { z } from 'zod';
import { procedure, stream } from './define';
import type { LockMonitorSnapshot, RunHistoryEntry, RunnerEvent, RunPlan, RunReport, RunSnapshot } from '../domain/runner';

const dir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
const runId = z.string().uuid();
const version = z.string().min(1).max(64).regex(/^[0-9][0-9._]*$/, 'a version is digits, optionally with . or _');
const statementKey = z.object({ version, index: z.number().int().min(0) }).strict();

const target = {
  dir,
  connectionId,
  /** up: apply up to this version; down: revert everything above it */
  to: version.optional(),
  steps: z.number().int().positive().max(100_000).optional(),
};
const runFlags = {
  acceptDrift: z.boolean().optional(),
  /** abort when a session has been blocked by us longer than this (ms) */
  autoAbortAfterMs: z.number().int().positive().max(86_400_000).optional(),
};

export const engineProcedures = {
  'runner/plan': procedure<RunPlan>()(z.object({ ...target, direction: z.enum(['up', 'down']).default('up') }).strict()),
  'runner/dryRun': procedure<RunReport>()(z.object({ ...target, ...runFlags }).strict()),
  'runner/apply': procedure<RunReport>()(z.object({ ...target, ...runFlags, direction: z.enum(['up', 'down']).default('up') }).strict()),
  /** starts a run in the background; `stepping` pauses before the first statement */
  'runner/start': procedure<RunSnapshot>()(
    z
      .object({
        ...target,
        ...runFlags,
        mode: z.enum(['up', 'down', 'dry_run']).default('up'),
        stepping: z.boolean().default(true),
        breakpoints: z.array(statementKey).max(10_000).optional(),
      })
      .strict(),
  ),
  'runner/step': procedure<RunSnapshot>()(z.object({ runId }).strict()),
  'runner/continue': procedure<RunSnapshot>()(z.object({ runId }).strict()),
  'runner/pause': procedure<RunSnapshot>()(z.object({ runId }).strict()),
  'runner/abort': procedure<RunSnapshot>()(z.object({ runId, reason: z.string().max(500).optional() }).strict()),
  'runner/setBreakpoints': procedure<RunSnapshot>()(z.object({ runId, breakpoints: z.array(statementKey).max(10_000) }).strict()),
  'runner/get': procedure<RunSnapshot>()(z.object({ runId }).strict()),
  'runner/history': procedure<RunHistoryEntry[]>()(z.object({ dir, connectionId, limit: z.number().int().positive().max(1000).optional() }).strict()),
} as const;

export const engineStreams = {
  'runner/events': stream<RunnerEvent>()(z.object({ runId }).strict()),
  'locks/monitor': stream<LockMonitorSnapshot>()(z.object({ runId }).strict()),
} as const;
