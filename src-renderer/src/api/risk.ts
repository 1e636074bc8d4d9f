import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client } from './client';

/** Query keys of the risk screen (under `['risk', dir]`). */
export const riskKeys = {
  all: (dir: string) => ['risk', dir] as const,
  report: (dir: string, connectionId: string) => ['risk', dir, 'report', connectionId] as const,
  approvals: (dir: string, connectionId: string) => ['risk', dir, 'approvals', connectionId] as const,
  audit: (dir: string, connectionId: string) => ['risk', dir, 'audit', connectionId] as const,
  preflight: (dir: string, connectionId: string) => ['risk', dir, 'preflight', connectionId] as const,
  calibration: (dir: string, connectionId: string) => ['risk', dir, 'calibration', connectionId] as const,
  /** an assessment by its hash, as of one report (a re-assessment may keep the hash and change its facts) */
  migration: (hash: string, generatedAt: string) => ['risk-migration', hash, generatedAt] as const,
};

/** Predicted vs measured durations of past applies (needs a connection: they live in the tracking schema). */
export function useCalibration(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: riskKeys.calibration(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.risk.calibration({ dir: dir!, connectionId: connectionId! }),
    enabled: dir !== null && connectionId !== null,
    staleTime: 30_000,
  });
}

export function useRiskReport(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: riskKeys.report(dir ?? '', connectionId ?? ''),
    // the list's detail: what each row shows (13.5 MB → 2.6 MB at 5,000 migrations); the selected
    // migration's details come from useRiskMigration
    queryFn: () => client.api.risk.report({ dir: dir!, ...(connectionId ? { connectionId } : {}), detail: 'list' }),
    enabled: dir !== null,
    staleTime: 30_000,
  });
}

/**
 * One migration's details (factors, statements, facts) by the hash its row in the list shows, as
 * of that report (`generatedAt`): the hash names the score and its factors, not every fact
 * (sizes, inputs, the lock timeline), so a re-assessment asks again.
 */
export function useRiskMigration(hash: string | null, generatedAt: string | null) {
  return useQuery({
    queryKey: riskKeys.migration(hash ?? '', generatedAt ?? ''),
    queryFn: () => client.api.risk.migration({ hash: hash! }),
    enabled: hash !== null && generatedAt !== null,
    staleTime: Infinity,
    retry: false,
    // while a new report's details load, keep the previous ones on screen (the screen shows them
    // only for the same hash): no flash of "Drawing the details…" at every re-assessment
    placeholderData: (previous) => previous,
  });
}

/** Approval states; with a connection, verified against the anchor in that database. */
export function useApprovals(dir: string | null, connectionId: string | null = null) {
  return useQuery({
    queryKey: riskKeys.approvals(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.approval.list({ dir: dir!, ...(connectionId ? { connectionId } : {}) }),
    enabled: dir !== null,
    // trust-critical: a file edited behind our back (tampering, another approver) shows on the next visit
    staleTime: 0,
  });
}

export function useAuditLog(dir: string | null, connectionId: string | null = null) {
  return useQuery({
    queryKey: riskKeys.audit(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.approval.audit({ dir: dir!, ...(connectionId ? { connectionId } : {}) }),
    enabled: dir !== null,
    staleTime: 0,
  });
}

/** What Apply is about to run: risk and approval state of each pending migration (asked when the dialog opens). */
export function usePreflight(dir: string | null, connectionId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: riskKeys.preflight(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.approval.preflight({ dir: dir!, connectionId: connectionId! }),
    enabled: enabled && dir !== null && connectionId !== null,
    staleTime: 0,
    gcTime: 0,
  });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; version: string; decision: 'approved' | 'rejected'; by: string; comment: string; connectionId?: string; riskHash?: string; repair?: boolean }) =>
      client.api.approval.decide(input),
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: riskKeys.all(input.dir) }),
  });
}
