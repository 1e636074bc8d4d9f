/**
 * "Cancel / terminate the blocker": a confirmation that shows what will be interrupted (query,
 * user, application, age) fetched fresh from pg_stat_activity, gated by `desk.blockers.allow`.
 * The engine re-checks the session is the same (backend_start) and records the act in the
 * project's audit log.
 */
import { useEffect, useRef, useState } from 'react';
import type { BlockerAction } from '../../../../src-shared/domain/desk';
import { useActOnBlocker, useBlocker } from '../../api/desk';
import { ErrorPanel, Loading } from '../StateViews';
import { formatMs } from '../runner/format';

export interface BlockerDialogProps {
  dir: string;
  connectionId: string;
  pid: number;
  onClose(): void;
}

export function BlockerDialog({ dir, connectionId, pid, onClose }: BlockerDialogProps) {
  const info = useBlocker(dir, connectionId, pid);
  const act = useActOnBlocker();
  const [action, setAction] = useState<BlockerAction>('cancel');
  const [by, setBy] = useState(() => localStorage.getItem('confiture-by') ?? '');
  const [reason, setReason] = useState('');
  const cancelRef = useRef<HTMLButtonElement>(null);
  const allow = info.data?.allow ?? 'none';
  const permitted = allow === 'terminate' || (allow === 'cancel' && action === 'cancel');

  useEffect(() => {
    cancelRef.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  const b = info.data?.blocker;
  const submit = () => {
    if (!b || !by.trim() || !permitted) return;
    localStorage.setItem('confiture-by', by.trim());
    act.mutate({ dir, connectionId, pid, action, backendStart: b.backendStart, by: by.trim(), reason });
  };

  return (
    <div className="modal-backdrop">
      <div className="modal blocker-modal" role="dialog" aria-modal="true" aria-labelledby="blocker-title" data-testid="blocker-dialog">
        <h3 id="blocker-title">Interrupt session {pid}?</h3>
        <div className="modal-body">
          {info.isLoading ? (
            <Loading label="Looking at the session…" />
          ) : info.isError ? (
            <ErrorPanel error={info.error} title="Cannot look at this session" />
          ) : b ? (
            <>
              <dl className="facts blocker-facts">
                <dt>User</dt>
                <dd>{b.user ?? '—'}</dd>
                <dt>Application</dt>
                <dd>{b.applicationName || <span className="muted">(no application_name)</span>}</dd>
                <dt>Client</dt>
                <dd>{b.clientAddr ?? 'local'}</dd>
                <dt>State</dt>
                <dd>{b.state ?? '—'}</dd>
                <dt>Age</dt>
                <dd data-testid="blocker-age">
                  {formatMs(b.ageMs)} {b.xactStart ? <span className="muted small">(transaction open since {new Date(b.xactStart).toLocaleTimeString()})</span> : null}
                </dd>
                <dt>Blocks</dt>
                <dd>{b.blocking.length > 0 ? b.blocking.map((p) => `pid ${p}`).join(', ') : <span className="muted">nobody right now</span>}</dd>
              </dl>
              <p className="small">Its last query:</p>
              <pre className="blocker-query" data-testid="blocker-query">
                {b.query || '(none)'}
              </pre>
              {act.isSuccess ? (
                <p className="ok" role="status" data-testid="blocker-result">
                  {act.data.action === 'terminate' ? (act.data.gone ? `Session ${pid} terminated.` : `Session ${pid} was signalled to terminate.`) : act.data.signalled ? `The query of session ${pid} was cancelled.` : `Session ${pid} had nothing to cancel.`} Recorded in the audit log.
                </p>
              ) : (
                <fieldset className="blocker-form" disabled={allow === 'none'}>
                  <legend className="sr-only">What to do</legend>
                  <label className="inline">
                    <input type="radio" name="blocker-action" value="cancel" checked={action === 'cancel'} onChange={() => setAction('cancel')} /> Cancel its query (pg_cancel_backend) — the session stays, its transaction may stay open
                  </label>
                  <label className="inline">
                    <input type="radio" name="blocker-action" value="terminate" checked={action === 'terminate'} onChange={() => setAction('terminate')} disabled={allow !== 'terminate'} /> Terminate the session (pg_terminate_backend) — its transaction rolls back
                  </label>
                  <label htmlFor="blocker-by">Your name (for the audit log)</label>
                  <input id="blocker-by" value={by} onChange={(e) => setBy(e.target.value)} autoComplete="off" />
                  <label htmlFor="blocker-reason">Reason</label>
                  <input id="blocker-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoComplete="off" />
                </fieldset>
              )}
              {allow === 'none' ? (
                <p className="warning small" role="note" data-testid="blocker-disabled">
                  Interrupting sessions is off for this project. Set <code>desk.blockers.allow: cancel</code> (or <code>terminate</code>) in confiture.yaml to allow it.
                </p>
              ) : allow === 'cancel' ? (
                <p className="muted small">This project allows cancelling only (desk.blockers.allow: cancel).</p>
              ) : null}
              {act.isError ? <ErrorPanel error={act.error} title="Not done" /> : null}
            </>
          ) : null}
        </div>
        <div className="modal-actions">
          <button type="button" ref={cancelRef} onClick={onClose}>
            {act.isSuccess ? 'Close' : 'Keep it running'}
          </button>
          {act.isSuccess ? null : (
            <button type="button" className="danger" onClick={submit} disabled={!b || !permitted || !by.trim() || act.isPending} data-testid="blocker-confirm">
              {act.isPending ? 'Working…' : action === 'terminate' ? `Terminate session ${pid}` : `Cancel the query of ${pid}`}
            </button>
          )}
        </div>
      </div>
    </div>
  );
}
