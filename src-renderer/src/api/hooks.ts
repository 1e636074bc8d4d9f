import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LifecycleEventName } from '../../../src-shared/domain/lifecycle';
import { client } from './client';

/** Query keys of the hooks screen (under `['hooks', dir]` so one invalidation refreshes all). */
export const hookKeys = {
  all: (dir: string) => ['hooks', dir] as const,
  list: (dir: string, connectionId: string) => ['hooks', dir, 'list', connectionId] as const,
  executions: (dir: string, connectionId: string, runId: string | null) => ['hooks', dir, 'executions', connectionId, runId ?? 'latest'] as const,
};

export function useHookListing(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: hookKeys.list(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.hooks.list({ dir: dir!, connectionId: connectionId! }),
    enabled: dir !== null && connectionId !== null,
  });
}

export function useHookExecutions(dir: string | null, connectionId: string | null, runId: string | null) {
  return useQuery({
    queryKey: hookKeys.executions(dir ?? '', connectionId ?? '', runId),
    queryFn: () => client.api.hooks.executions({ dir: dir!, connectionId: connectionId!, ...(runId ? { runId } : {}) }),
    enabled: dir !== null && connectionId !== null,
  });
}

export function useTestHooks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; connectionId: string; phase: LifecycleEventName; hookId?: string }) => client.api.hooks.test(input),
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: hookKeys.all(input.dir) }),
  });
}
