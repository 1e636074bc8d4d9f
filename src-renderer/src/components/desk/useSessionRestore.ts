/**
 * The engine owns the session: on load the page asks it which connection, project and screen are
 * current (so a reload, or `confiture serve --demo`, opens ready), and tells it every change.
 */
import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { client } from '../../api/client';
import { keys } from '../../api/keys';
import { useUi } from '../../state/ui';

export function useSessionRestore(): boolean {
  const [restored, setRestored] = useState(false);
  const qc = useQueryClient();
  useEffect(() => {
    let cancelled = false;
    client.api.session
      .get({})
      .then(async (s) => {
        if (cancelled) return;
        const ui = useUi.getState();
        if (s.connectionId) {
          // the list must know the connection before it becomes current (App forgets unknown ids)
          await qc.fetchQuery({ queryKey: keys.connections(), queryFn: () => client.api.connection.list({}) });
          ui.setConnection(s.connectionId);
        }
        if (s.projectDir && s.projectDir !== ui.projectDir) ui.setProject(s.projectDir);
        if (s.screen) ui.setScreen(s.screen);
      })
      .catch(() => undefined)
      .finally(() => {
        if (!cancelled) setRestored(true);
      });
    return () => {
      cancelled = true;
    };
  }, [qc]);

  const { connectionId, projectDir, screen } = useUi();
  useEffect(() => {
    if (!restored) return;
    void client.api.session.set({ connectionId, projectDir, screen }).catch(() => undefined);
  }, [restored, connectionId, projectDir, screen]);
  return restored;
}
