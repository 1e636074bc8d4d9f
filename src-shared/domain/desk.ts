/** The desk: what the engine remembers for the window (session), and blocker interventions. */

import type { SessionIdentity } from './runner';

/** Restored on reload: the engine, not the page, owns which connection and project are current. */
export interface DeskSession {
  connectionId: string | null;
  projectDir: string | null;
  screen: string | null;
}

/** How to reach the embedded server from psql. The password itself never leaves the engine. */
export interface PsqlAccess {
  running: boolean;
  host: string;
  port: number | null;
  user: string;
  database: string;
  /** JSON file holding the generated password (mode 0600) */
  passwordFile: string;
  /** a pgpass file psql reads through PGPASSFILE (mode 0600) */
  pgpassFile: string;
  /** a command to paste in a terminal */
  command: string | null;
}

/** A session another one waits on, as the confirmation dialog shows it. */
export interface BlockerInfo extends SessionIdentity {
  backendStart: string;
  /** age of its transaction (or of its query when it has none), ms */
  ageMs: number | null;
  /** pids waiting on it right now */
  blocking: number[];
}

export type BlockerAction = 'cancel' | 'terminate';

/** The blocker and what this project allows doing to it (`desk.blockers.allow`). */
export interface BlockerDescription {
  blocker: BlockerInfo;
  allow: 'none' | 'cancel' | 'terminate';
}

export interface BlockerIntervention {
  action: BlockerAction;
  pid: number;
  /** what pg_cancel_backend / pg_terminate_backend returned */
  signalled: boolean;
  /** the session is gone afterwards (terminate) */
  gone: boolean;
  auditHash: string;
  blocker: BlockerInfo;
}

export interface InterventionEntry {
  seq: number;
  at: string;
  action: BlockerAction;
  by: string;
  reason: string;
  database: string;
  pid: number;
  user: string | null;
  applicationName: string | null;
  query: string | null;
  ageMs: number | null;
  signalled: boolean;
  prevHash: string;
  hash: string;
}

/** One bucket of an SLO trend: counts in the bucket, SLI and budget cumulative from the window's start. */
export interface SloSeriesPoint {
  /** end of the bucket (epoch ms) */
  t: number;
  total: number;
  bad: number;
  /** good / total since the window's start (null: no event yet) */
  sli: number | null;
  /** share of the error budget left since the window's start (negative: overspent) */
  budgetRemaining: number | null;
  /** burn rate of this bucket alone */
  burnRate: number | null;
  /** the bucket burns faster than slo.fastBurnRate */
  fastBurn: boolean;
}

export interface SloSeries {
  id: string;
  sli: string;
  objective: number;
  window: string;
  startMs: number;
  endMs: number;
  bucketMs: number;
  fastBurnRate: number;
  points: SloSeriesPoint[];
  /** the newest bad events of the window, with their run */
  violations: { at: number; runId: string; version: string | null; detail: string | null }[];
}
