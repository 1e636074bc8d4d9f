/**
 * The live lock monitor: sessions our migration backend blocks, sessions it waits on, and the
 * relation locks it holds. Fed by the 'locks/monitor' stream (at least once a second while a
 * statement runs) and, while paused in step-through, by the locks reported after each statement.
 */
import { useState } from 'react';
import type { LockTaken } from '../../../../src-shared/domain/lifecycle';
import type { LockMonitorSnapshot, LockSession, RunSnapshot } from '../../../../src-shared/domain/runner';
import { useUi } from '../../state/ui';
import { BlockerDialog } from '../desk/BlockerDialog';
import { firstLine, formatMs, lockLevel, lockTitle, sortLocks } from './format';

/**
 * A session the lock monitor lists. Three columns fit the 380 px side panel at 1280×800 without a
 * word cut in two: pid, the session with the lock it holds or wants (the mode whole, on its own
 * line; names too long for the column end in "…" with the whole value on hover; the state whole,
 * wrapping between words), and the wait.
 */
function SessionTable({ sessions, label, waitLabel, onInterrupt }: { sessions: LockSession[]; label: string; waitLabel: string; onInterrupt?: (pid: number) => void }) {
  return (
    <table className="grid compact session-table" aria-label={label}>
      <colgroup>
        <col className="c-pid" />
        <col />
        <col className="c-wait" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">pid</th>
          <th scope="col">Session · lock</th>
          <th scope="col" className="num">
            {waitLabel}
          </th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => {
          const who = [s.user, s.clientAddr].filter((x): x is string => !!x);
          const modes = s.mode ? s.mode.split(',').map((m) => m.trim()).filter(Boolean) : [];
          return (
            <tr key={s.pid}>
              <td>
                <code>{s.pid}</code>
                {onInterrupt ? (
                  <button type="button" className="small-btn" onClick={() => onInterrupt(s.pid)} aria-label={`Cancel or terminate session ${s.pid}`} data-testid="interrupt-blocker">
                    Interrupt…
                  </button>
                ) : null}
              </td>
              <td>
                <div className="clip" title={s.applicationName || undefined}>
                  {s.applicationName || <span className="muted">(no application_name)</span>}
                </div>
                {who.length ? (
                  <div className="muted small clip" title={who.join(' · ')}>
                    {who.join(' · ')}
                  </div>
                ) : null}
                {/* "idle in transaction" matters: whole, wrapping between its words */}
                <div className="muted small">{s.state ?? '—'}</div>
                {modes.length > 0 ? (
                  <div className="small session-lock">
                    {modes.map((mode) => (
                      <span key={mode} className={`clip lock-${lockLevel(mode)}`} title={lockTitle(mode)}>
                        {mode}
                      </span>
                    ))}
                    {s.relation ? (
                      <span className="clip muted" title={s.relation}>
                        on {s.relation}
                      </span>
                    ) : null}
                  </div>
                ) : null}
                {s.query ? (
                  <code className="query-excerpt" title={s.query}>
                    {firstLine(s.query, 70)}
                  </code>
                ) : null}
              </td>
              <td className="num" title={s.waitingMs !== null ? `${s.waitingMs} ms` : undefined}>
                {formatMs(s.waitingMs)}
              </td>
            </tr>
          );
        })}
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

export type MonitorPhase = 'idle' | 'live' | 'paused' | 'finished';

export function monitorPhase(run: RunSnapshot | null, live: boolean): MonitorPhase {
  if (!run) return 'idle';
  if (!live) return 'finished';
  return run.state === 'paused' ? 'paused' : 'live';
}

export function LockMonitorPanel({ run, live, monitor, heldAfterStatement }: LockMonitorPanelProps) {
  const { projectDir, connectionId } = useUi();
  const [interrupt, setInterrupt] = useState<number | null>(null);
  const phase = monitorPhase(run, live);
  const finished = phase === 'finished';
  const snap = monitor ?? run?.monitor ?? null;
  // the engine keeps polling while paused: its snapshot is the truth; the locks reported after
  // the last statement fill in until the first poll arrives
  const ourLocks = finished ? [] : phase === 'paused' && !monitor && heldAfterStatement ? heldAfterStatement : (snap?.ourLocks ?? []);
  const pausedInTx = phase === 'paused' && run?.kind !== 'dry_run' && ourLocks.length > 0;
  // after the end of a run nothing waits any more: show who blocked us during it (the report)
  const blockers = finished ? (run?.report?.blockers ?? []) : (snap?.blockers ?? []);
  const blocked = finished ? [] : (snap?.blocked ?? []);
  const waiting = phase === 'live' && !!snap?.waiting;
  const canInterrupt = projectDir !== null && connectionId !== null;
  return (
    <section className="panel runner-panel" aria-labelledby="lockmon-title" data-testid="lock-monitor" data-phase={phase}>
      <div className="panel-head">
        <h3 id="lockmon-title">Lock monitor</h3>
        {phase === 'live' ? (
          <span className={waiting ? 'live-dot waiting' : 'live-dot'} title="Refreshed every second while the run is live">
            {waiting ? 'waiting for a lock' : 'live'}
          </span>
        ) : phase === 'paused' ? (
          <span className="lockmon-phase paused" title="Paused in step-through: still refreshed every second">
            paused · still watching
          </span>
        ) : phase === 'finished' ? (
          <span className="lockmon-phase finished">run finished</span>
        ) : (
          <span className="muted small">idle</span>
        )}
      </div>
      {!run ? (
        <p className="muted small">While a run is live (running or paused), every session our migration blocks or waits on shows up here (pg_locks, pg_stat_activity, pg_blocking_pids), refreshed every second.</p>
      ) : (
        <>
          {snap?.ourPid && !finished ? (
            <p className="muted small">
              Our backend: pid <code>{snap.ourPid}</code> · last look {new Date(snap.at).toLocaleTimeString()}
            </p>
          ) : null}
          {finished ? (
            <p className="muted small" data-testid="lockmon-finished">
              The run has ended: its connection is closed and every lock it held is released.
            </p>
          ) : null}
          {blockers.length > 0 ? (
            <>
              <h4 className="bad-text">
                {finished ? `${blockers.length === 1 ? 'This session' : `${blockers.length} sessions`} blocked us during the run` : `We wait on ${blockers.length === 1 ? 'this session' : `${blockers.length} sessions`}`}
              </h4>
              <SessionTable sessions={blockers} label={finished ? 'Sessions that blocked us' : 'Sessions blocking us'} waitLabel="Wait" {...(canInterrupt ? { onInterrupt: setInterrupt } : {})} />
            </>
          ) : null}
          {blocked.length > 0 ? (
            <>
              <h4 className="bad-text">{blocked.length === 1 ? 'One session waits' : `${blocked.length} sessions wait`} on us</h4>
              <SessionTable sessions={blocked} label="Sessions we block" waitLabel="Waiting" />
            </>
          ) : null}
          {!finished && blockers.length === 0 && blocked.length === 0 ? (
            <p className="all-clear" role="status">
              ✓ Nobody is blocked
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
      {interrupt !== null && projectDir && connectionId ? <BlockerDialog dir={projectDir} connectionId={connectionId} pid={interrupt} onClose={() => setInterrupt(null)} /> : null}
    </section>
  );
}
