/** Session restore, psql access, embedded liveness and blocker interventions (the desk service). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BlockerAction } from '../../../src-shared/domain/desk';
import { client } from './client';
import { keys } from './keys';

export const deskKeys = {
  psql: () => ['desk', 'psql'] as const,
  blocker: (connectionId: string, pid: number) => ['desk', 'blocker', connectionId, pid] as const,
  interventions: (dir: string) => ['project', dir, 'desk', 'interventions'] as const,
};

/** psql access to the embedded server; refreshed every few seconds so a crash shows. */
export function usePsqlAccess() {
  const qc = useQueryClient();
  return useQuery({
    queryKey: deskKeys.psql(),
    queryFn: async () => {
      const access = await client.api.embedded.psql({});
      void qc.invalidateQueries({ queryKey: keys.appInfo() });
      if (!access.running) void qc.invalidateQueries({ queryKey: keys.connections() });
      return access;
    },
    refetchInterval: 5000,
  });
}

export function useBlocker(dir: string | null, connectionId: string | null, pid: number | null) {
  return useQuery({
    queryKey: deskKeys.blocker(connectionId ?? '', pid ?? 0),
    queryFn: () => client.api.blocker.describe({ dir: dir!, connectionId: connectionId!, pid: pid! }),
    enabled: dir !== null && connectionId !== null && pid !== null,
    retry: false,
  });
}

export function useActOnBlocker() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (i: { dir: string; connectionId: string; pid: number; action: BlockerAction; backendStart: string; by: string; reason: string }) => client.api.blocker.act(i),
    onSuccess: (_r, i) => void qc.invalidateQueries({ queryKey: deskKeys.interventions(i.dir) }),
  });
}
