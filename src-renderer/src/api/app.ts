import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ConnectionInfo, ConnectionTarget } from '../../../src-shared/domain/connection';
import { client } from './client';
import { keys } from './keys';
import { useUi } from '../state/ui';

export function useAppInfo() {
  return useQuery({ queryKey: keys.appInfo(), queryFn: () => client.api.app.info({}) });
}

export function useConnections() {
  return useQuery({ queryKey: keys.connections(), queryFn: () => client.api.connection.list({}) });
}

/**
 * Opens a connection and makes it current. The selection happens in the mutation's own
 * callback so it still applies when the user has left the screen meanwhile.
 */
export function useOpenConnection() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (target: ConnectionTarget) => client.api.connection.open({ target }),
    onSuccess: async (connection, target) => {
      const ui = useUi.getState();
      // the list must know the connection before it becomes current (App forgets unknown ids)
      qc.setQueryData<ConnectionInfo[]>(keys.connections(), (old) => [...(old ?? []).filter((c) => c.id !== connection.id), connection]);
      ui.setConnection(connection.id);
      if (target.kind === 'embedded') {
        const info = await qc.fetchQuery({ queryKey: keys.appInfo(), queryFn: () => client.api.app.info({}) });
        ui.setProject(info.demoProjectDir);
        ui.setScreen('migrations');
      } else if (!ui.projectDir) {
        ui.setScreen('project');
      } else {
        ui.setScreen('migrations');
      }
      void qc.invalidateQueries({ queryKey: keys.connections() });
      void qc.invalidateQueries({ queryKey: keys.appInfo() });
    },
  });
}

export function useProject(dir: string | null) {
  return useQuery({
    queryKey: keys.project(dir ?? ''),
    queryFn: () => client.api.project.open({ dir: dir! }),
    enabled: dir !== null,
  });
}

export function useProjectStatus(dir: string | null, connectionId: string | null) {
  return useQuery({
    queryKey: keys.status(dir ?? '', connectionId ?? ''),
    queryFn: () => client.api.project.status({ dir: dir!, connectionId: connectionId! }),
    enabled: dir !== null && connectionId !== null,
  });
}

export function useMigrationSource(dir: string | null, version: string | null) {
  return useQuery({
    queryKey: keys.source(dir ?? '', version ?? ''),
    queryFn: () => client.api.project.source({ dir: dir!, version: version! }),
    enabled: dir !== null && version !== null,
  });
}

export function useSeedDemo() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { connectionId: string; scale?: number }) => client.api.demo.seed(input),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['project'] }),
  });
}
