import { useQuery } from '@tanstack/react-query';
import { client } from './client';

/** Query keys of the SLO screen (under `['slo', dir]` so a finished run can refresh them all). */
export const sloKeys = {
  all: (dir: string) => ['slo', dir] as const,
  report: (dir: string, connectionId: string, window: string | null) => ['slo', dir, 'report', connectionId, window ?? 'own'] as const,
};

/** Every objective of the project over the connection's run history; `window` overrides each objective's own. */
export function useSloReport(dir: string | null, connectionId: string | null, window: string | null) {
  return useQuery({
    queryKey: sloKeys.report(dir ?? '', connectionId ?? '', window),
    queryFn: () => client.api.slo.report({ dir: dir!, connectionId: connectionId!, ...(window ? { window } : {}) }),
    enabled: dir !== null && connectionId !== null,
  });
}
