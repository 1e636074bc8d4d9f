import { useMutation, useQueryClient } from '@tanstack/react-query';
import { client } from './client';
import { keys } from './keys';
import { riskKeys } from './risk';

export interface SaveInput {
  dir: string;
  version: string;
  sql: string;
  expectedChecksum: string;
  connectionId?: string;
  confirmApplied?: boolean;
}

/**
 * Saves a migration's edited SQL (`project/save`), then re-reads what depends on the file: its
 * source and status (checksum), its lint findings, and the risk report and approval states (an
 * approval given on the old checksum becomes stale).
 */
export function useSaveMigration() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: SaveInput) => client.api.project.save(input),
    onSuccess: async (_r, input) => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: keys.project(input.dir) }),
        qc.invalidateQueries({ queryKey: ['lint', input.dir] }),
        qc.invalidateQueries({ queryKey: riskKeys.all(input.dir) }),
      ]);
    },
  });
}
