/**
 * Where the run is (state, position) and, once it ended, its summary: outcome, durations, the
 * migrations by outcome, the error with file and line, the sessions that blocked us; for a
 * dry-run, the locks taken per relation, the rewrites and what could not be rehearsed.
 */
import type { LockTaken, RehearsedStatement } from '../../../../src-shared/domain/lifecycle';
import type { RunReport, RunSnapshot } from '../../../../src-shared/domain/runner';
import { formatMs, lockLevel, lockTitle, strongestByRelation } from './format';
import { blockedOthersText } from '../../../../src-shared/format';

const KIND_LABEL: Record<string, string> = { up: 'Apply', down: 'Revert', dry_run: 'Dry-run', step: 'Step-through' };
const OUTCOME_LABEL: Record<RunReport['outcome'], string> = {
  success: 'Succeeded',
  failure: 'Failed',
  cancelled: 'Cancelled',
  policy_failure: 'Stopped by a policy',
};

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}

export function RunStatus({ run }: { run: RunSnapshot }) {
  const pos = run.position;
  const m = pos ? run.plan.find((x) => x.version === pos.version) : undefined;
  const s = m && pos ? m.statements.find((x) => x.index === pos.index) : undefined;
  return (
    <p className="run-status" data-testid="run-status" aria-live="polite">
      <span className={`run-state run-state-${run.state}`}>{run.state}</span> <strong>{KIND_LABEL[run.kind] ?? run.kind}</strong>
      {pos && m ? (
        <span>
          {' '}
          · {run.state === 'paused' ? 'before' : 'at'} <code>{m.version}</code> statement {pos.index + 1}/{m.statements.length}
          {s ? ` (${s.kind}, line ${s.line})` : ''}
        </span>
      ) : null}
    </p>
  );
}

function LockTable({ locks, label }: { locks: LockTaken[]; label: string }) {
  return (
    <table className="grid compact lock-table" aria-label={label}>
      <tbody>
        {locks.map((l) => (
          <tr key={l.relation}>
            <td title={l.relation}>
              <code>{l.relation}</code>
            </td>
            <td>
              <span className={`lock-${lockLevel(l.mode)}`} title={lockTitle(l.mode)}>
                {l.mode}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function DryRunFacts({ rehearsal }: { rehearsal: RehearsedStatement[] }) {
  const locks = strongestByRelation(rehearsal.flatMap((r) => r.locks));
  const rewrites = rehearsal.filter((r) => r.rewritten.length > 0);
  const notRehearsed = rehearsal.filter((r) => !r.rehearsed);
  return (
    <div className="dryrun-facts" data-testid="dryrun-facts">
      <h4>Locks taken (strongest per relation)</h4>
      {locks.length === 0 ? (
        <p className="muted small">No relation locks.</p>
      ) : (
        <LockTable locks={locks.slice(0, 8)} label="Locks taken by the dry-run" />
      )}
      {locks.length > 8 ? (
        <details className="small">
          <summary>{locks.length - 8} more relations</summary>
          <LockTable locks={locks.slice(8)} label="More locks taken by the dry-run" />
        </details>
      ) : null}
      {rewrites.length > 0 ? (
        <>
          <h4 className="bad-text">Table rewrites</h4>
          <ul className="plain small">
            {rewrites.map((r) => (
              <li key={`${r.version}:${r.index}`}>
                <code>{r.version}</code> line {r.line}: rewrites {r.rewritten.join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {notRehearsed.length > 0 ? (
        <>
          <h4 className="warning">Not rehearsable in a transaction</h4>
          <ul className="plain small">
            {notRehearsed.map((r) => (
              <li key={`${r.version}:${r.index}`}>
                <code>{r.version}</code> line {r.line}: {r.kind} — analysed statically only
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

export function RunSummary({ report }: { report: RunReport }) {
  const counts = new Map<string, number>();
  for (const m of report.migrations) counts.set(m.outcome, (counts.get(m.outcome) ?? 0) + 1);
  const statements = report.migrations.reduce((n, m) => n + m.statements.length, 0);
  const e = report.error;
  const failed = report.migrations.find((m) => m.outcome === 'failed' || m.outcome === 'cancelled');
  return (
    <section className={`panel runner-panel summary summary-${report.outcome}`} aria-labelledby="summary-title" data-testid="run-summary">
      <div className="panel-head">
        <h3 id="summary-title">
          {KIND_LABEL[report.kind] ?? report.kind}: {OUTCOME_LABEL[report.outcome]}
        </h3>
        <span className="muted small">{formatMs(report.durationMs)}</span>
      </div>
      <dl className="facts compact-facts">
        <dt>Migrations</dt>
        <dd>
          {[...counts.entries()].map(([k, n]) => (
            <span key={k} className={`outcome outcome-${k}`}>
              {n} {k.replace('_', ' ')}
            </span>
          ))}
        </dd>
        <dt>Statements</dt>
        <dd>{statements} ran or were analysed</dd>
        <dt>Started</dt>
        <dd>{new Date(report.startedAt).toLocaleTimeString()}</dd>
        {report.kind === 'dry_run' ? (
          <>
            <dt>Database</dt>
            <dd className="ok">rolled back — unchanged</dd>
          </>
        ) : null}
      </dl>
      {e ? (
        <div className="state-error summary-error" role="alert">
          <strong>{e.code}</strong>: {e.message}
          {e.where?.file && (e.where.line || !e.message.includes(basename(e.where.file))) ? (
            <div className="error-meta">
              <code>
                {basename(e.where.file)}
                {e.where.line ? `:${e.where.line}` : ''}
                {e.where.column ? `:${e.where.column}` : ''}
              </code>
            </div>
          ) : null}
          {failed && report.kind !== 'dry_run' ? (
            <div className="small muted">
              {failed.version} {failed.name} was rolled back{report.migrations.some((m) => m.outcome === 'applied') ? '; the migrations before it stay applied' : ''}.
            </div>
          ) : null}
        </div>
      ) : null}
      {report.blockers && report.blockers.length > 0 ? (
        <p className="warning small">
          Blocked during the run by {report.blockers.map((b) => `pid ${b.pid}${b.applicationName ? ` (${b.applicationName})` : ''}`).join(', ')}.
        </p>
      ) : null}
      {report.migrations.some((m) => m.blockedOthers) ? (
        <ul className="warning small plain" aria-label="Sessions this run made wait" data-testid="blocked-others">
          {report.migrations
            .filter((m) => m.blockedOthers)
            .map((m) => (
              <li key={m.version}>
                {m.version} {blockedOthersText(m.blockedOthers!)}
              </li>
            ))}
        </ul>
      ) : null}
      {report.rehearsal ? <DryRunFacts rehearsal={report.rehearsal} /> : null}
    </section>
  );
}
