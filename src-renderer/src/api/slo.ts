import { useQuery } from '@tanstack/react-query';
import { client } from './client';

/**
 * Query keys of the SLO screen, under `['project', dir]`: the runner invalidates that prefix when
 * a run ends, and a new run is exactly what changes the SLOs.
 */
export const sloKeys = {
  report: (dir: string, connectionId: string, window: string | null) => ['project', dir, 'slo', connectionId, window ?? 'own'] as const,
};

/** Every objective of the project over the connection's run history; `window` overrides each objective's own. */
export function useSloReport(dir: string | null, connectionId: string | null, window: string | null) {
  return useQuery({
    queryKey: sloKeys.report(dir ?? '', connectionId ?? '', window),
    queryFn: () => client.api.slo.report({ dir: dir!, connectionId: connectionId!, ...(window ? { window } : {}) }),
    enabled: dir !== null && connectionId !== null,
  });
}
