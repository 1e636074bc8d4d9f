/**
 * The live lock monitor: sessions our migration backend blocks, sessions it waits on, and the
 * relation locks it holds. Fed by the 'locks/monitor' stream (at least once a second while a
 * statement runs) and, while paused in step-through, by the locks reported after each statement.
 */
import type { LockTaken } from '../../../../src-shared/domain/lifecycle';
import type { LockMonitorSnapshot, LockSession, RunSnapshot } from '../../../../src-shared/domain/runner';
import { firstLine, formatMs, lockLevel, lockTitle, sortLocks } from './format';

function SessionTable({ sessions, label, waitLabel }: { sessions: LockSession[]; label: string; waitLabel: string }) {
  return (
    <table className="grid compact" aria-label={label}>
      <thead>
        <tr>
          <th scope="col">pid</th>
          <th scope="col">Application · state</th>
          <th scope="col">Lock</th>
          <th scope="col" className="num">
            {waitLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => (
          <tr key={s.pid}>
            <td>
              <code>{s.pid}</code>
            </td>
            <td>
              <div>
                {s.applicationName || <span className="muted">(no application_name)</span>}
                {s.user ? <span className="muted small"> · {s.user}</span> : null}
                {s.clientAddr ? <span className="muted small"> · {s.clientAddr}</span> : null}
              </div>
              <div className="muted small">{s.state ?? '—'}</div>
              {s.query ? (
                <code className="query-excerpt" title={s.query}>
                  {firstLine(s.query, 90)}
                </code>
              ) : null}
            </td>
            <td className="small">
              {s.mode ? (
                <span className={`lock-${lockLevel(s.mode.split(',')[0]!.trim())}`} title={lockTitle(s.mode.split(',')[0]!.trim())}>
                  {s.mode}
                </span>
              ) : (
                '—'
              )}
              {s.relation ? <div className="muted">{s.relation}</div> : null}
            </td>
            <td className="num">{formatMs(s.waitingMs)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface LockMonitorPanelProps {
  run: RunSnapshot | null;
  live: boolean;
  monitor: LockMonitorSnapshot | null;
  /** locks held after the last statement (step-through) */
  heldAfterStatement: LockTaken[] | null;
}

export function LockMonitorPanel({ run, live, monitor, heldAfterStatement }: LockMonitorPanelProps) {
  const snap = monitor ?? run?.monitor ?? null;
  const paused = live && run?.state === 'paused';
  const ourLocks = paused && heldAfterStatement ? heldAfterStatement : (snap?.ourLocks ?? []);
  const pausedInTx = paused && run?.kind !== 'dry_run' && ourLocks.length > 0;
  return (
    <section className="panel runner-panel" aria-labelledby="lockmon-title" data-testid="lock-monitor">
      <div className="panel-head">
        <h3 id="lockmon-title">Lock monitor</h3>
        {live ? (
          <span className={snap?.waiting ? 'live-dot waiting' : 'live-dot'} title="Refreshed at least once a second while a statement runs">
            {snap?.waiting ? 'waiting for a lock' : 'live'}
          </span>
        ) : (
          <span className="muted small">idle</span>
        )}
      </div>
      {!run ? (
        <p className="muted small">While a statement runs, every session our migration blocks or waits on shows up here (pg_locks, pg_stat_activity, pg_blocking_pids), refreshed every second.</p>
      ) : (
        <>
          {snap?.ourPid ? (
            <p className="muted small">
              Our backend: pid <code>{snap.ourPid}</code> · last look {new Date(snap.at).toLocaleTimeString()}
            </p>
          ) : null}
          {snap && snap.blockers.length > 0 ? (
            <>
              <h4 className="bad-text">We wait on {snap.blockers.length === 1 ? 'this session' : `${snap.blockers.length} sessions`}</h4>
              <SessionTable sessions={snap.blockers} label="Sessions blocking us" waitLabel="Wait" />
            </>
          ) : null}
          {snap && snap.blocked.length > 0 ? (
            <>
              <h4 className="bad-text">{snap.blocked.length === 1 ? 'One session waits' : `${snap.blocked.length} sessions wait`} on us</h4>
              <SessionTable sessions={snap.blocked} label="Sessions we block" waitLabel="Waiting" />
            </>
          ) : null}
          {!snap || (snap.blockers.length === 0 && snap.blocked.length === 0) ? (
            <p className="all-clear" role="status">
              ✓ Nobody is blocked{live ? '' : ' (last look)'}
              <span className="muted small"> — no session waits on us, and we wait on nobody.</span>
            </p>
          ) : null}
          {pausedInTx ? (
            <p className="warning small" role="note">
              Paused inside the migration&apos;s transaction: the locks below stay held while you look, and sessions that need them queue up. Continue or abort soon.
            </p>
          ) : null}
          {ourLocks.length > 0 ? (
            <>
              <h4>Relation locks we hold</h4>
              <ul className="lock-list">
                {sortLocks(ourLocks).map((l) => (
                  <li key={`${l.relation}:${l.mode}`}>
                    <span className={`lock-${lockLevel(l.mode)}`} title={lockTitle(l.mode)}>
                      {l.mode}
                    </span>{' '}
                    <code>{l.relation}</code>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      )}
    </section>
  );
}
