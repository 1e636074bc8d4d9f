import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client } from './client';

/** Query keys of the risk screen (under `['risk', dir]`). */
export const riskKeys = {
  all: (dir: string) => ['risk', dir] as const,
  report: (dir: string, connectionId: string) => ['risk', dir, 'report', connectionId] as const,
  approvals: (dir: string) => ['risk', dir, 'approvals'] as const,
  audit: (dir: string) => ['risk', dir, 'audit'] as const,
};

export function useRiskReport(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: riskKeys.report(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.risk.report({ dir: dir!, ...(connectionId ? { connectionId } : {}) }),
    enabled: dir !== null,
    staleTime: 30_000,
  });
}

export function useApprovals(dir: string | null) {
  return useQuery({ queryKey: riskKeys.approvals(dir ?? ''), queryFn: () => client.api.approval.list({ dir: dir! }), enabled: dir !== null });
}

export function useAuditLog(dir: string | null) {
  return useQuery({ queryKey: riskKeys.audit(dir ?? ''), queryFn: () => client.api.approval.audit({ dir: dir! }), enabled: dir !== null });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { dir: string; version: string; decision: 'approved' | 'rejected'; by: string; comment: string; connectionId?: string }) => client.api.approval.decide(input),
    onSuccess: (_r, input) => void qc.invalidateQueries({ queryKey: riskKeys.all(input.dir) }),
  });
}
