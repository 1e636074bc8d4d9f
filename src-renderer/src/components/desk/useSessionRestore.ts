/**
 * The engine owns the session: on load the page asks it which connection, project and screen are
 * current (so a reload, or `confiture serve --demo`, opens ready), and tells it every change —
 * only the fields that changed, and never the state it has just read back: a page that echoed
 * what it restored would overwrite a change made meanwhile by another window (or a script) with
 * the older values it read.
 */
import { useEffect, useRef, useState } from 'react';
import type { DeskSession } from '../../../../src-shared/domain/desk';
import { useQueryClient } from '@tanstack/react-query';
import { client } from '../../api/client';
import { keys } from '../../api/keys';
import { useUi } from '../../state/ui';

export function useSessionRestore(): boolean {
  const [restored, setRestored] = useState(false);
  /** the session as the engine last knew it from this page (read on load, then each change sent) */
  const known = useRef<DeskSession>({ connectionId: null, projectDir: null, screen: null });
  const qc = useQueryClient();
  useEffect(() => {
    let cancelled = false;
    client.api.session
      .get({})
      .then(async (s) => {
        if (cancelled) return;
        known.current = { connectionId: s.connectionId, projectDir: s.projectDir, screen: s.screen };
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
    const now: DeskSession = { connectionId, projectDir, screen };
    const patch: Partial<DeskSession> = {};
    for (const k of ['connectionId', 'projectDir', 'screen'] as const) if (now[k] !== known.current[k]) Object.assign(patch, { [k]: now[k] });
    if (Object.keys(patch).length === 0) return;
    const before = known.current;
    known.current = now;
    // not delivered: the engine still has the old values, so the next change sends these fields again
    void client.api.session.set(patch).catch(() => {
      if (known.current === now) known.current = before;
    });
  }, [restored, connectionId, projectDir, screen]);
  return restored;
}
