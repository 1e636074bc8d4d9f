import { useEffect, useRef } from 'react';
import { useAppInfo, useConnections, useProject } from './api/app';
import { transportMode } from './api/client';
import { Empty, Loading } from './components/StateViews';
import { useSessionRestore } from './components/desk/useSessionRestore';
import { screens } from './screens/registry';
import { useUi } from './state/ui';

/** The digit of screen i's Alt shortcut: 1…9, then 0 for the tenth. */
const shortcutDigit = (i: number): string => String((i + 1) % 10);

export function App() {
  const { screen, setScreen, connectionId, setConnection, projectDir } = useUi();
  const info = useAppInfo();
  const connections = useConnections();
  const project = useProject(projectDir);
  const current = screens.find((s) => s.id === screen) ?? screens[0]!;
  const connection = connections.data?.find((c) => c.id === connectionId) ?? null;
  const restored = useSessionRestore();
  const main = useRef<HTMLElement>(null);
  const shownScreen = useRef<string | null>(null);

  // switching screens moves focus to the new screen's heading (not on the first paint)
  useEffect(() => {
    if (!restored) return;
    const first = shownScreen.current === null;
    shownScreen.current = current.id;
    if (first || !main.current) return undefined;
    const root = main.current;
    const tryFocus = (): boolean => {
      const h = root.querySelector<HTMLElement>('h2');
      if (!h) return false;
      if (!h.hasAttribute('tabindex')) h.setAttribute('tabindex', '-1');
      h.focus();
      return true;
    };
    if (tryFocus()) return undefined;
    // the screen may show a loading state first: focus its heading when it appears
    const obs = new MutationObserver(() => {
      if (tryFocus()) obs.disconnect();
    });
    obs.observe(root, { childList: true, subtree: true });
    const stop = setTimeout(() => obs.disconnect(), 5000);
    return () => {
      obs.disconnect();
      clearTimeout(stop);
    };
  }, [current.id, restored]);

  // a connection id from before an engine restart is gone: forget it
  useEffect(() => {
    if (connectionId && connections.data && !connections.data.some((c) => c.id === connectionId)) setConnection(null);
  }, [connectionId, connections.data, setConnection]);

  // Alt+1..9 switches screens, Alt+0 the tenth (as on a keyboard's number row); e.code, because
  // Alt+digit types another character on some layouts
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const digit = /^(?:Digit|Numpad)(\d)$/.exec(e.code)?.[1] ?? (/^\d$/.test(e.key) ? e.key : undefined);
      if (digit === undefined) return;
      const i = digit === '0' ? 9 : Number(digit) - 1;
      if (i < screens.length) {
        e.preventDefault();
        setScreen(screens[i]!.id);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [setScreen]);

  const missing = (current.needs ?? []).filter((n) => (n === 'connection' ? !connection : !projectDir));
  const Screen = current.component;

  return (
    <div className="app">
      <nav className="sidebar" aria-label="Screens">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ◆
          </span>
          Confiture
        </div>
        <ul>
          {screens.map((s, i) => (
            <li key={s.id}>
              <button
                type="button"
                className={s.id === current.id ? 'nav active' : 'nav'}
                aria-current={s.id === current.id ? 'page' : undefined}
                onClick={() => setScreen(s.id)}
                title={`Alt+${shortcutDigit(i)}`}
                data-testid={`nav-${s.id}`}
              >
                {s.title}
                <kbd>{shortcutDigit(i)}</kbd>
              </button>
            </li>
          ))}
        </ul>
        <div className="sidebar-foot small">
          <div title="Current connection">{connection ? `● ${connection.database} · PG ${connection.serverVersion.split(' ')[0]}` : '○ not connected'}</div>
          <div title="Current project">{project.data ? `▤ ${project.data.name}` : '▤ no project'}</div>
          <div className="muted">
            v{info.data?.version ?? '…'} · {transportMode}
          </div>
        </div>
      </nav>
      <main className="content" ref={main}>
        {!restored ? (
          <Loading label="Restoring your session…" />
        ) : missing.length > 0 ? (
          <Empty
            heading="h2"
            title={`${current.title} needs ${missing.map((m) => (m === 'connection' ? 'a database connection' : 'a project')).join(' and ')}`}
            action={
              <button type="button" className="primary" onClick={() => setScreen(missing[0] === 'connection' ? 'connect' : 'project')}>
                {missing[0] === 'connection' ? 'Connect' : 'Open a project'}
              </button>
            }
          />
        ) : (
          <Screen />
        )}
      </main>
    </div>
  );
}
