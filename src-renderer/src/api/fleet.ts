import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FleetAction, FleetRolloutStatus } from '../../../src-shared/domain/fleet';
import { client } from './client';

/** Query keys of the fleet screen (under `['fleet', dir]` so one invalidation refreshes all). */
export const fleetKeys = {
  all: (dir: string) => ['fleet', dir] as const,
  overview: (dir: string) => ['fleet', dir, 'overview'] as const,
  status: (dir: string, rolloutId: string) => ['fleet', dir, 'status', rolloutId] as const,
};

const LIVE = new Set(['running', 'paused']);

/** Environments, targets and rollouts of the project; polls every 3 s while a rollout is live. */
export function useFleetOverview(dir: string | null) {
  return useQuery({
    queryKey: fleetKeys.overview(dir ?? ''),
    queryFn: () => client.api.fleet.overview({ dir: dir! }),
    enabled: dir !== null,
    refetchInterval: (q) => (q.state.data?.rollouts.some((r) => LIVE.has(r.state)) ? 3000 : false),
  });
}

/** One rollout; polls every second while targets are moving. */
export function useFleetStatus(dir: string | null, rolloutId: string | null) {
  return useQuery({
    queryKey: fleetKeys.status(dir ?? '', rolloutId ?? ''),
    queryFn: () => client.api.fleet.status({ dir: dir!, rolloutId: rolloutId! }),
    enabled: dir !== null && rolloutId !== null,
    refetchInterval: (q) => {
      const s = q.state.data;
      if (!s) return false;
      const moving = (s.rollout.counts.running ?? 0) + (s.rollout.counts.queued ?? 0) > 0;
      return s.rollout.state === 'running' || moving ? 1000 : false;
    },
  });
}

export function useStartRollout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; env: string; targets?: string; workers?: number }) => client.api.fleet.start(input),
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: fleetKeys.all(input.dir) }),
  });
}

/** Stops (0) or starts worker slots inside the app. */
export function useAppWorkers() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; slots: number }) => client.api.fleet.workers(input),
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: fleetKeys.overview(input.dir) }),
  });
}

export function useRolloutAction() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; rolloutId: string; action: FleetAction; overrideGate?: boolean }) => client.api.fleet.control(input),
    onSuccess: (status: FleetRolloutStatus, input) => {
      qc.setQueryData(fleetKeys.status(input.dir, input.rolloutId), status);
      void qc.invalidateQueries({ queryKey: fleetKeys.overview(input.dir) });
    },
  });
}
