/**
 * React-query hooks over the runner procedures (plan, start/step/continue/pause/abort, get,
 * history) and the current run of this window.
 *
 * The plan and the history live under `['project', dir, ...]`, so invalidating `['project']`
 * (what every runner mutation does) refreshes them with the Migrations screen's status. A run's
 * snapshot lives under `['runner', runId]`: it is polled while the run is live and refreshed on
 * every `runner/events` event.
 */
import { useEffect, useRef } from 'react';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { create } from 'zustand';
import type { RunSnapshot, RunState, StatementKey } from '../../../src-shared/domain/runner';
import { client, useStream } from './client';

export const runnerKeys = {
  plan: (dir: string, connectionId: string) => ['project', dir, 'runner', 'plan', connectionId] as const,
  history: (dir: string, connectionId: string) => ['project', dir, 'runner', 'history', connectionId] as const,
  run: (runId: string) => ['runner', 'run', runId] as const,
};

export const LIVE_STATES: readonly RunState[] = ['starting', 'running', 'paused'];
export const isLive = (s: RunSnapshot | null | undefined): boolean => !!s && s.report === null && LIVE_STATES.includes(s.state);

/** The run this window shows (kept while the user visits other screens; not persisted). */
interface RunnerUi {
  runId: string | null;
  /** breakpoints chosen before a run starts (`version:index`) */
  breakpoints: string[];
  setRun(runId: string | null): void;
  setBreakpoints(keys: string[]): void;
}

export const useRunnerUi = create<RunnerUi>()((set) => ({
  runId: null,
  breakpoints: [],
  setRun: (runId) => set({ runId }),
  setBreakpoints: (breakpoints) => set({ breakpoints }),
}));

export const bpKey = (k: StatementKey): string => `${k.version}:${k.index}`;
export function parseBpKey(k: string): StatementKey {
  const i = k.lastIndexOf(':');
  return { version: k.slice(0, i), index: Number(k.slice(i + 1)) };
}

export function useRunPlan(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: runnerKeys.plan(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.runner.plan({ dir: dir!, connectionId: connectionId!, direction: 'up' }),
    enabled: dir !== null && connectionId !== null,
  });
}

export function useRunHistory(dir: string | null, connectionId: string | null, limit = 10) {
  return useQuery({
    queryKey: runnerKeys.history(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.runner.history({ dir: dir!, connectionId: connectionId!, limit }),
    enabled: dir !== null && connectionId !== null,
  });
}

/** The snapshot of a run: polled every second while live (a safety net for missed events). */
export function useRunSnapshot(runId: string | null) {
  return useQuery({
    queryKey: runnerKeys.run(runId ?? ''),
    queryFn: () => client.api.runner.get({ runId: runId! }),
    enabled: runId !== null,
    refetchInterval: (q) => (q.state.data && !isLive(q.state.data) ? false : 1000),
  });
}

function afterControl(qc: QueryClient, snap: RunSnapshot): void {
  qc.setQueryData(runnerKeys.run(snap.runId), snap);
  void qc.invalidateQueries({ queryKey: ['project'] });
}

export interface StartInput {
  dir: string;
  connectionId: string;
  mode: 'up' | 'dry_run';
  stepping: boolean;
  breakpoints: StatementKey[];
  acceptDrift?: boolean;
  autoAbortAfterMs?: number;
  /** apply up to this version (the Apply dialog stops before a migration the approval gate refuses) */
  to?: string;
}

/** Starts a run in the background (apply, dry-run or step-through) and makes it current. */
export function useStartRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: StartInput) =>
      client.api.runner.start({
        dir: i.dir,
        connectionId: i.connectionId,
        mode: i.mode,
        stepping: i.stepping,
        breakpoints: i.breakpoints,
        ...(i.acceptDrift ? { acceptDrift: true } : {}),
        ...(i.autoAbortAfterMs ? { autoAbortAfterMs: i.autoAbortAfterMs } : {}),
        ...(i.to ? { to: i.to } : {}),
      }),
    onSuccess: (snap) => {
      useRunnerUi.getState().setRun(snap.runId);
      afterControl(qc, snap);
    },
  });
}

type Control = 'step' | 'continue' | 'pause' | 'abort';

/** step / continue / pause / abort of the current run. */
export function useRunControl() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, runId }: { action: Control; runId: string }) => {
      switch (action) {
        case 'step':
          return client.api.runner.step({ runId });
        case 'continue':
          return client.api.runner.continue({ runId });
        case 'pause':
          return client.api.runner.pause({ runId });
        case 'abort':
          return client.api.runner.abort({ runId, reason: 'aborted from the Runner screen' });
      }
    },
    onSuccess: (snap) => afterControl(qc, snap),
  });
}

export function useSetBreakpoints() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { runId: string; breakpoints: StatementKey[] }) => client.api.runner.setBreakpoints(i),
    onSuccess: (snap) => qc.setQueryData(runnerKeys.run(snap.runId), snap),
  });
}

/** Blocking dry-run / apply (the screen uses `useStartRun` for live progress; these suit scripts). */
export function useDryRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { dir: string; connectionId: string }) => client.api.runner.dryRun(i),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['project'] }),
  });
}

export function useApply() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { dir: string; connectionId: string; to?: string }) => client.api.runner.apply({ ...i, direction: 'up' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['project'] }),
  });
}

/**
 * Follows a run: its events (kept for the log) refresh the snapshot (coalesced), and the project
 * status once it ends. Returns the events and the last lock-monitor snapshot.
 */
export function useRunFeed(runId: string | null) {
  const qc = useQueryClient();
  const events = useStream('runner/events', runId ? { runId } : null, 300);
  const monitor = useStream('locks/monitor', runId ? { runId } : null, 1);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const seen = useRef(0);
  const last = events.events[events.events.length - 1];
  useEffect(() => {
    if (!runId || !last || last.seq === seen.current) return;
    seen.current = last.seq;
    if (last.type === 'finished') {
      qc.setQueryData<RunSnapshot>(runnerKeys.run(runId), (old) => (old ? { ...old, report: last.report, state: last.report.ok ? 'completed' : last.report.outcome === 'cancelled' ? 'cancelled' : 'failed', position: null } : old));
      void qc.invalidateQueries({ queryKey: ['project'] });
    }
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      void qc.invalidateQueries({ queryKey: runnerKeys.run(runId) }, { cancelRefetch: false });
    }, 120);
  }, [last, runId, qc]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return { events: events.events, streamError: events.error ?? monitor.error, monitor: monitor.events[monitor.events.length - 1] ?? null };
}
