/**
 * The Runner: what will run (migrations, statements, transaction boundaries), dry-run, apply and
 * step-through with breakpoints, statement-by-statement progress, the live lock monitor and the
 * final summary.
 *
 * Keyboard: F10 step · F5 continue · F6 pause · Shift+F5 abort (asks first).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LockTaken, RehearsedStatement } from '../../../src-shared/domain/lifecycle';
import type { RunnerEvent, StatementKey } from '../../../src-shared/domain/runner';
import { useProject } from '../api/app';
import { ApplyApprovals } from '../components/runner/ApplyApprovals';
import { usePreflight } from '../api/risk';
import { errorValue } from '../api/client';
import { bpKey, isLive, parseBpKey, useRunControl, useRunFeed, useRunHistory, useRunnerUi, useRunPlan, useRunSnapshot, useSetBreakpoints, useStartRun } from '../api/runner';
import { ConfirmDialog } from '../components/runner/ConfirmDialog';
import { formatMs } from '../components/runner/format';
import { blockedOthersText } from '../../../src-shared/format';
import { LockMonitorPanel } from '../components/runner/LockMonitorPanel';
import { PlanTable } from '../components/runner/PlanTable';
import { RunStatus, RunSummary } from '../components/runner/RunSummary';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

function describeEvent(e: RunnerEvent): string {
  switch (e.type) {
    case 'state':
      return `state → ${e.state}${e.reason ? ` (${e.reason})` : ''}`;
    case 'migration_started':
      return `${e.version} ${e.name} started${e.attempt > 1 ? ` (attempt ${e.attempt})` : ''}`;
    case 'migration_finished':
      return `${e.version} ${e.outcome} in ${formatMs(e.durationMs)}${e.blockedOthers ? `; ${blockedOthersText(e.blockedOthers)}` : ''}`;
    case 'statement_started':
      return `${e.version} #${e.index + 1} ${e.kind} (line ${e.line}) started`;
    case 'statement_finished':
      return `${e.version} #${e.index + 1} ${e.outcome} ${formatMs(e.durationMs)}${e.rows !== null ? `, ${e.rows} rows` : ''}${e.error ? `: ${e.error}` : ''}`;
    case 'paused_at':
      return `paused before ${e.version} #${e.index + 1}`;
    case 'locks':
      return `${e.version} #${e.index + 1} holds ${e.locks.length} relation lock${e.locks.length === 1 ? '' : 's'}`;
    case 'waiting':
      return `${e.version} #${e.index + 1} waits on pid ${e.blockers.map((b) => b.pid).join(', ')}`;
    case 'retry':
      return `${e.version} retry ${e.attempt} in ${formatMs(e.delayMs)}: ${e.reason}`;
    case 'error':
      return `error: ${e.error.message}`;
    case 'finished':
      return `finished: ${e.report.outcome}`;
  }
}

export function RunnerScreen() {
  const { projectDir, connectionId, setScreen } = useUi();
  const project = useProject(projectDir);
  const plan = useRunPlan(projectDir, connectionId);
  const history = useRunHistory(projectDir, connectionId, 5);
  const { runId, setRun, breakpoints: draftBreakpoints, setBreakpoints: setDraftBreakpoints } = useRunnerUi();
  const snapshot = useRunSnapshot(runId);
  const feed = useRunFeed(runId);
  const start = useStartRun();
  const control = useRunControl();
  const setBps = useSetBreakpoints();
  const [confirm, setConfirm] = useState<'apply' | 'abort' | null>(null);
  const [acceptDrift, setAcceptDrift] = useState(false);
  const [autoAbortS, setAutoAbortS] = useState('');

  const run = snapshot.data ?? null;
  const live = isLive(run);
  const paused = live && run?.state === 'paused';
  const pending = plan.data?.migrations ?? [];
  const drift = plan.data?.drift ?? [];
  const shown = run ? run.plan : pending;
  const breakpoints = useMemo(() => new Set(live && run ? run.breakpoints.map(bpKey) : draftBreakpoints), [live, run, draftBreakpoints]);

  const runKind = run?.kind ?? null;
  const rehearsal = useMemo(() => new Map<string, RehearsedStatement>((run?.report?.rehearsal ?? []).map((r) => [`${r.version}:${r.index}`, r])), [run?.report]);
  const { liveLocks, heldAfterStatement } = useMemo(() => {
    // 'locks' events list every lock held after a statement: keep what each statement added
    const map = new Map<string, LockTaken[]>();
    const id = (l: LockTaken) => `${l.relation}\u0000${l.mode}`;
    let last: LockTaken[] | null = null;
    let held = new Set<string>();
    for (const e of feed.events) {
      if (e.type === 'locks') {
        map.set(`${e.version}:${e.index}`, e.locks.filter((l) => !held.has(id(l))));
        held = new Set(e.locks.map(id));
        last = e.locks;
      } else if (e.type === 'migration_finished' && runKind !== 'dry_run') {
        // the migration committed (or rolled back): its locks are gone
        held = new Set();
        last = [];
      }
    }
    return { liveLocks: map, heldAfterStatement: last };
  }, [feed.events, runKind]);

  const busy = start.isPending || control.isPending;
  const nothingPending = pending.length === 0;
  const driftBlocks = drift.length > 0 && !acceptDrift;
  const canStart = !live && !busy && !nothingPending && !driftBlocks && !!projectDir && !!connectionId;
  const canStep = paused && !busy;
  const canPause = live && run?.state === 'running' && !busy;
  const canAbort = live && !busy;

  const begin = useCallback(
    (mode: 'up' | 'dry_run', stepping: boolean, to?: string) => {
      if (!projectDir || !connectionId) return;
      const s = Number(autoAbortS);
      start.mutate({
        dir: projectDir,
        connectionId,
        mode,
        stepping,
        breakpoints: draftBreakpoints.map(parseBpKey),
        acceptDrift,
        ...(Number.isFinite(s) && s > 0 ? { autoAbortAfterMs: Math.round(s * 1000) } : {}),
        ...(to ? { to } : {}),
      });
    },
    [projectDir, connectionId, autoAbortS, start, draftBreakpoints, acceptDrift],
  );

  const act = useCallback(
    (action: 'step' | 'continue' | 'pause' | 'abort') => {
      if (run) control.mutate({ action, runId: run.runId });
    },
    [run, control],
  );

  // stable across renders that change nothing it reads: the plan's migration blocks are memoised
  const { mutate: sendBreakpoints } = setBps;
  const toggleBreakpoint = useCallback(
    (version: string, index: number) => {
      const key = bpKey({ version, index });
      const next = new Set(breakpoints);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      const list = [...next];
      setDraftBreakpoints(list);
      if (live && run) sendBreakpoints({ runId: run.runId, breakpoints: list.map(parseBpKey) as StatementKey[] });
    },
    [breakpoints, live, run, setDraftBreakpoints, sendBreakpoints],
  );

  // debugger keys
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (confirm || e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'F10') {
        e.preventDefault();
        if (canStep) act('step');
      } else if (e.key === 'F5' && e.shiftKey) {
        e.preventDefault();
        if (canAbort) setConfirm('abort');
      } else if (e.key === 'F5') {
        e.preventDefault();
        if (canStep) act('continue');
      } else if (e.key === 'F6') {
        e.preventDefault();
        if (canPause) act('pause');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [confirm, canStep, canAbort, canPause, act]);

  const cancelConfirm = useCallback(() => setConfirm(null), []);
  // the Apply dialog lists each migration's risk and approval state, and refuses what the gate would
  const preflight = usePreflight(projectDir, connectionId, confirm === 'apply');

  if (plan.isLoading) return <Loading label="Planning: reading the migrations and what the database has applied…" />;
  if (plan.isError && !run) return <ErrorPanel error={plan.error} title="The plan cannot be built" onRetry={() => void plan.refetch()} />;

  const stmtCount = pending.reduce((n, m) => n + m.statements.length, 0);
  const outside = pending.filter((m) => m.transaction === 'none').length;
  const snapshotGone = snapshot.isError && errorValue(snapshot.error).code === 'not_found';

  return (
    <section className="screen runner" aria-labelledby="runner-title">
      <header className="screen-header">
        <h2 id="runner-title">Runner</h2>
        <p className="screen-sub">
          {project.data?.name ?? 'project'} ·{' '}
          {nothingPending
            ? 'nothing pending'
            : `${pending.length} pending migration${pending.length === 1 ? '' : 's'}, ${stmtCount} statements${outside ? `, ${outside} outside a transaction` : ''}`}
        </p>
      </header>

      <div className="toolbar runner-toolbar" role="toolbar" aria-label="Run controls">
        <div className="btn-group">
          <button type="button" onClick={() => begin('dry_run', false)} disabled={!canStart} title="Run the pending migrations in one transaction, measure locks, rows and rewrites, then roll back" data-testid="run-dryrun">
            Dry-run
          </button>
          <button type="button" className="primary" onClick={() => setConfirm('apply')} disabled={!canStart} title="Apply every pending migration (asks first)" data-testid="run-apply">
            Apply…
          </button>
          <button type="button" onClick={() => begin('up', true)} disabled={!canStart} title="Apply, pausing before the first statement: then Step (F10) or Continue to a breakpoint (F5)" data-testid="run-step-start">
            Step-through
          </button>
        </div>
        <div className="btn-group">
          <button type="button" onClick={() => act('step')} disabled={!canStep} title="Run the next statement and pause again (F10)" data-testid="run-step">
            Step <kbd>F10</kbd>
          </button>
          <button type="button" onClick={() => act('continue')} disabled={!canStep} title="Run to the next breakpoint or the end (F5)" data-testid="run-continue">
            Continue <kbd>F5</kbd>
          </button>
          <button type="button" onClick={() => act('pause')} disabled={!canPause} title="Pause before the next statement (F6)" data-testid="run-pause">
            Pause <kbd>F6</kbd>
          </button>
          <button type="button" className={canAbort ? 'danger' : ''} onClick={() => setConfirm('abort')} disabled={!canAbort} title="Cancel the running statement and roll back the open transaction (Shift+F5, asks first)" data-testid="run-abort">
            Abort… <kbd>⇧F5</kbd>
          </button>
        </div>
        <label className="inline-field" title="Abort by itself when a session has waited on our migration longer than this">
          Auto-abort after
          <input type="number" min={1} step={1} inputMode="numeric" value={autoAbortS} onChange={(e) => setAutoAbortS(e.target.value)} placeholder="off" aria-label="Auto-abort after seconds of blocking" disabled={live} />s blocked
        </label>
        {run && !live ? (
          <button type="button" className="link" onClick={() => setRun(null)} data-testid="run-clear">
            ← Back to the plan
          </button>
        ) : null}
      </div>

      {drift.length > 0 ? (
        <div className="banner banner-warn" role="alert">
          <strong>
            {drift.length} applied migration{drift.length === 1 ? '' : 's'} changed since {drift.length === 1 ? 'it was' : 'they were'} applied:
          </strong>{' '}
          {drift.map((d) => `${d.version} ${d.name}`).join(', ')}. Runs are refused unless you accept the drift (recorded; the change is not re-applied).
          <label className="inline-check">
            <input type="checkbox" checked={acceptDrift} onChange={(e) => setAcceptDrift(e.target.checked)} /> Accept drift
          </label>
        </div>
      ) : null}
      {start.isError ? <ErrorPanel error={start.error} title="The run did not start" /> : null}
      {control.isError ? <ErrorPanel error={control.error} title="The run did not take the command" /> : null}
      {feed.streamError ? <p className="warning small">Live updates were interrupted ({feed.streamError.message}); the screen still refreshes every second.</p> : null}
      {snapshotGone ? (
        <ErrorPanel error={snapshot.error} title="This run is no longer in the app's memory" onRetry={() => setRun(null)} />
      ) : null}

      <div className="runner-grid">
        <div className="runner-main">
          {run?.kind === 'dry_run' ? (
            <p className="muted small plan-note">Dry-run: every statement runs in one transaction that is rolled back at the end; statements that cannot run in a transaction are analysed statically only.</p>
          ) : null}
          {shown.length === 0 ? (
            <Empty title="Nothing pending">
              Every migration of the project is applied on this database.{' '}
              <button type="button" className="link" onClick={() => setScreen('migrations')}>
                See the migrations
              </button>
            </Empty>
          ) : (
            <PlanTable
              migrations={shown}
              run={run}
              rehearsal={rehearsal}
              liveLocks={liveLocks}
              breakpoints={breakpoints}
              onToggleBreakpoint={toggleBreakpoint}
              breakpointsActive={!run || run.stepping}
            />
          )}
        </div>
        <aside className="runner-side" aria-label="Run status">
          {start.isPending ? <Loading label="Taking the run lock and planning…" /> : null}
          {run && !run.report ? (
            <section className="panel runner-panel">
              <RunStatus run={run} />
              {run.stepping ? <p className="muted small">Breakpoints: {run.breakpoints.length ? run.breakpoints.map((b) => `${b.version} #${b.index + 1}`).join(', ') : 'none'}.</p> : null}
            </section>
          ) : null}
          {run?.report ? <RunSummary report={run.report} /> : null}
          <LockMonitorPanel run={run} live={live} monitor={feed.monitor} heldAfterStatement={heldAfterStatement} />
          {run ? (
            <details className="panel runner-panel events">
              <summary>Events ({feed.events.length})</summary>
              <ol className="event-log" aria-label="Run events">
                {feed.events
                  .slice(-40)
                  .reverse()
                  .map((e) => (
                    <li key={e.seq} className={`ev ev-${e.type}`}>
                      <span className="muted">{new Date(e.at).toLocaleTimeString()}</span> {describeEvent(e)}
                    </li>
                  ))}
              </ol>
            </details>
          ) : (
            <section className="panel runner-panel">
              <h3>Recent runs</h3>
              {history.isLoading ? (
                <Loading />
              ) : history.isError ? (
                <p className="muted small">{errorValue(history.error).message}</p>
              ) : (history.data ?? []).length === 0 ? (
                <p className="muted small">No run recorded on this database yet.</p>
              ) : (
                <ul className="plain small history">
                  {history.data!.map((h) => (
                    <li key={h.runId}>
                      <span className={`outcome outcome-${h.outcome}`}>{h.outcome}</span> {h.kind} · {new Date(h.startedAt).toLocaleString()} · {h.migrations.length} migration{h.migrations.length === 1 ? '' : 's'} · {h.startedBy}
                    </li>
                  ))}
                </ul>
              )}
            </section>
          )}
        </aside>
      </div>

      {confirm === 'apply'
        ? (() => {
            const pf = preflight.data;
            const ready = !!pf && !preflight.isFetching;
            const runnable = pf ? pf.migrations.slice(0, pf.applicableTo ? pf.migrations.findIndex((m) => m.version === pf.applicableTo) + 1 : 0) : [];
            const partial = !!pf && pf.refused > 0;
            const n = partial ? runnable.length : pending.length;
            return (
              <ConfirmDialog
                title={`Apply ${pending.length} migration${pending.length === 1 ? '' : 's'}?`}
                confirmLabel={!ready ? 'Checking approvals…' : n === 0 ? 'Nothing can be applied' : partial ? `Apply ${n} (up to ${pf.applicableTo})` : `Apply ${n} migration${n === 1 ? '' : 's'}`}
                confirmDisabled={!ready || n === 0}
                wide
                onCancel={cancelConfirm}
                onConfirm={() => {
                  setConfirm(null);
                  begin('up', false, partial && pf?.applicableTo ? pf.applicableTo : undefined);
                }}
              >
                <p>
                  {pending[0]?.version} → {pending[pending.length - 1]?.version}, {stmtCount} statements. Each migration commits with its tracking row; a failure rolls back only the migration that failed.
                </p>
                {outside ? <p className="warning">{outside} migration{outside === 1 ? ' runs' : 's run'} outside a transaction (cannot be rolled back as a whole).</p> : null}
                <ApplyApprovals preflight={preflight} />
                <p className="muted small">Tip: a dry-run first shows the locks each statement takes.</p>
              </ConfirmDialog>
            );
          })()
        : null}
      {confirm === 'abort' ? (
        <ConfirmDialog
          title="Abort the run?"
          confirmLabel="Abort the run"
          cancelLabel="Keep running"
          danger
          onCancel={cancelConfirm}
          onConfirm={() => {
            setConfirm(null);
            act('abort');
          }}
        >
          <p>The running statement is cancelled (pg_cancel_backend) and the open transaction is rolled back. Migrations already committed stay applied.</p>
          {run?.position ? (
            <p className="muted small">
              The run is at <code>{run.position.version}</code> statement {run.position.index + 1}.
            </p>
          ) : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
