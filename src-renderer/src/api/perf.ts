import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client } from './client';

/** Query keys of the perf screen (under `['perf', dir]`). */
export const perfKeys = {
  all: (dir: string) => ['perf', dir] as const,
  workload: (dir: string) => ['perf', dir, 'workload'] as const,
  baselines: (dir: string) => ['perf', dir, 'baselines'] as const,
  history: (dir: string) => ['perf', dir, 'history'] as const,
  compare: (dir: string, base: string, current: string) => ['perf', dir, 'compare', base, current] as const,
  plan: (dir: string, baseline: string, queryId: string, against: string) => ['perf', dir, 'plan', baseline, queryId, against] as const,
};

export function usePerfWorkload(dir: string | null) {
  return useQuery({ queryKey: perfKeys.workload(dir ?? ''), queryFn: () => client.api.perf.workload({ dir: dir! }), enabled: dir !== null });
}

export function usePerfBaselines(dir: string | null) {
  return useQuery({ queryKey: perfKeys.baselines(dir ?? ''), queryFn: () => client.api.perf.baselines({ dir: dir! }), enabled: dir !== null });
}

/** Compare two saved baselines (cached: baselines never change). */
export function usePerfCompare(dir: string | null, base: string | null, current: string | null) {
  return useQuery({
    queryKey: perfKeys.compare(dir ?? '', base ?? '', current ?? ''),
    queryFn: () => client.api.perf.compare({ dir: dir!, base: base!, current: current! }),
    enabled: dir !== null && base !== null && current !== null,
    staleTime: Infinity,
  });
}

/** Compare a baseline with a capture made now (a mutation: it runs the workload). */
export function useCompareNow() {
  return useMutation({
    mutationFn: (input: { dir: string; base: string; connectionId: string }) => client.api.perf.compare(input),
  });
}

export function usePerfCapture() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; connectionId: string; name: string; runs?: number }) => client.api.perf.capture(input),
    onSuccess: (_r, input) => {
      void qc.invalidateQueries({ queryKey: perfKeys.baselines(input.dir) });
      void qc.invalidateQueries({ queryKey: perfKeys.history(input.dir) });
    },
  });
}

/** Each query's medians across the saved baselines (the history chart). */
export function usePerfHistory(dir: string | null) {
  return useQuery({ queryKey: perfKeys.history(dir ?? ''), queryFn: () => client.api.perf.history({ dir: dir! }), enabled: dir !== null });
}

export function usePerfPlan(dir: string | null, baseline: string | null, queryId: string | null, against: string | null) {
  return useQuery({
    queryKey: perfKeys.plan(dir ?? '', baseline ?? '', queryId ?? '', against ?? ''),
    queryFn: () => client.api.perf.plan({ dir: dir!, baseline: baseline!, queryId: queryId!, ...(against ? { against } : {}) }),
    enabled: dir !== null && baseline !== null && queryId !== null,
    staleTime: Infinity,
  });
}
