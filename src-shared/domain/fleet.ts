/**
 * Fleet rollouts as the GUI sees them: the environments and targets of a project, its rollouts,
 * and one rollout's waves, gates and per-target state (the control database's bookkeeping).
 * Dates are ISO strings; connection labels never carry a password.
 */
import type { ErrorValue } from '../errors';

export type FleetRolloutState = 'running' | 'paused' | 'stopped' | 'aborted' | 'completed';
export type FleetWaveState = 'pending' | 'running' | 'soaking' | 'passed' | 'failed';
export type FleetTargetState = 'pending' | 'queued' | 'running' | 'applied' | 'failed' | 'skipped';

export const FLEET_TARGET_STATES: FleetTargetState[] = ['pending', 'queued', 'running', 'applied', 'failed', 'skipped'];

export interface FleetTargetInfo {
  name: string;
  labels: Record<string, string>;
  host: string;
  /** safe to show */
  connection: string;
}

export interface FleetEnvironment {
  name: string;
  /** null when the list could not be read (a query target list on a database that is down, a missing variable) */
  targets: FleetTargetInfo[] | null;
  error: ErrorValue | null;
  /** wave names and sizes a rollout would use now */
  waves: { name: string; size: number; concurrency: number }[];
  errorBudget: number;
}

export interface FleetRolloutSummary {
  id: string;
  env: string;
  state: FleetRolloutState;
  targetVersion: string | null;
  createdAt: string;
  createdBy: string;
  finishedAt: string | null;
  targets: number;
  counts: Partial<Record<FleetTargetState, number>>;
}

export interface FleetOverview {
  project: string;
  /** where the rollouts are kept (safe to show) */
  control: string;
  /** null when the control database cannot be reached */
  controlError: ErrorValue | null;
  environments: FleetEnvironment[];
  /** newest first */
  rollouts: FleetRolloutSummary[];
  /** worker slots running inside this app for this project */
  appWorkers: number;
}

export interface FleetGateCheck {
  gate: string;
  ok: boolean;
  detail: string;
}

export interface FleetWave {
  wave: number;
  name: string;
  size: number;
  concurrency: number;
  state: FleetWaveState;
  startedAt: string | null;
  finishedAt: string | null;
  /** soaking until */
  notBefore: string | null;
  gate: { ok: boolean; overridden: boolean; checks: FleetGateCheck[] } | null;
  counts: Partial<Record<FleetTargetState, number>>;
}

export interface FleetTarget {
  name: string;
  wave: number;
  state: FleetTargetState;
  attempts: number;
  host: string;
  labels: Record<string, string>;
  worker: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  applied: string[];
  predictedBlockingMs: number | null;
  measuredBlockingMs: number | null;
  sloViolations: number | null;
  error: { code: string; message: string } | null;
}

export interface FleetRolloutStatus {
  rollout: FleetRolloutSummary & {
    currentWave: number;
    failures: number;
    errorBudget: number;
    stopReason: string | null;
    versions: string[];
    gates: { canaryBlockingFactor: number; canaryBlockingSlack: number; sloViolations: number };
  };
  waves: FleetWave[];
  targets: FleetTarget[];
  /** the canary (first target of wave 1): predicted vs measured blocking time */
  canary: { target: string; state: FleetTargetState; predictedMs: number | null; measuredMs: number | null; limitMs: number | null } | null;
}

export type FleetAction = 'pause' | 'resume' | 'abort';
