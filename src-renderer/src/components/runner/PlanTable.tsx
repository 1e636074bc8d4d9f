/**
 * The plan of a run, statement by statement, with the transaction boundaries drawn: a solid rail
 * with BEGIN/COMMIT rows for a migration that runs in one transaction, a dashed rail and
 * "autocommit" for one that runs statement by statement (CREATE INDEX CONCURRENTLY, ...).
 * Each statement shows its status in the current run, timing, rows, the locks it took and
 * rewrites (dry-run), and a breakpoint toggle.
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { HeldLock, LockTaken, RehearsedStatement } from '../../../../src-shared/domain/lifecycle';
import type { MigrationResult, PlannedMigration, PlannedStatement, RunSnapshot, StatementResult } from '../../../../src-shared/domain/runner';
import { firstLine, formatMs, formatTimeout, lockLevel, lockRank, lockTitle, sortLocks } from './format';

export type StatementStatus = 'pending' | 'next' | 'running' | 'done' | 'rolled_back' | 'failed' | 'skipped' | 'not_rehearsable' | 'cancelled' | 'not_run';

const STATUS_LABEL: Record<StatementStatus, string> = {
  pending: 'pending',
  next: '▶ paused here',
  running: 'running…',
  done: 'done',
  rolled_back: 'rolled back',
  failed: 'failed',
  skipped: 'skipped',
  not_rehearsable: 'not rehearsed',
  cancelled: 'cancelled',
  not_run: 'not run',
};

const STATUS_TITLE: Record<StatementStatus, string> = {
  pending: 'Not run yet',
  next: 'The run is paused before this statement: Step (F10) runs it',
  running: 'Running now',
  done: 'Ran successfully',
  rolled_back: 'Ran, then its migration was rolled back (the transaction did not commit)',
  failed: 'Failed',
  skipped: 'Skipped: a previous run already completed it (resume)',
  not_rehearsable: 'Cannot run inside the dry-run transaction: analysed statically only',
  cancelled: 'Cancelled by abort',
  not_run: 'The run ended before this statement',
};

export interface StatementView {
  status: StatementStatus;
  result: StatementResult | null;
  rehearsal: RehearsedStatement | null;
  /** the locks the statement takes itself (rehearsal: its migration rehearsed alone when possible) */
  locks: LockTaken[];
  /** locks taken by an earlier statement of the rehearsal and still held while this one runs */
  held: HeldLock[];
}

export function statementView(
  m: PlannedMigration,
  s: PlannedStatement,
  run: RunSnapshot | null,
  results: Map<string, MigrationResult>,
  rehearsal: Map<string, RehearsedStatement>,
  liveLocks: Map<string, LockTaken[]>,
): StatementView {
  const key = `${m.version}:${s.index}`;
  const reh = rehearsal.get(key) ?? null;
  const own = reh ? (reh.ownLocks ?? reh.locks) : (liveLocks.get(key) ?? []);
  const locks = sortLocks(own);
  const mine = new Set([...own, ...(reh?.locks ?? [])].map((l) => `${l.relation}:${l.mode}`));
  const held = (reh?.locksHeld ?? []).filter((l) => !mine.has(`${l.relation}:${l.mode}`) && !(l.since.version === m.version && l.since.index === s.index));
  if (!run) return { status: 'pending', result: null, rehearsal: null, locks: [], held: [] };
  const mres = results.get(m.version);
  const r = mres?.statements.find((x) => x.index === s.index) ?? null;
  const atPos = run.position?.version === m.version && run.position.index === s.index;
  let status: StatementStatus = 'pending';
  if (r) {
    if (r.outcome === 'success') status = m.transaction === 'transaction' && (mres?.outcome === 'failed' || mres?.outcome === 'cancelled') ? 'rolled_back' : 'done';
    else if (r.outcome === 'failure') status = 'failed';
    else if (r.outcome === 'cancelled') status = 'cancelled';
    else status = run.kind === 'dry_run' ? 'not_rehearsable' : 'skipped';
  } else if (atPos && run.state === 'paused') status = 'next';
  else if (atPos && run.state === 'running') status = 'running';
  else if (run.report) status = 'not_run';
  return { status, result: r, rehearsal: reh, locks, held };
}

function LockChips({ locks, max = 2 }: { locks: LockTaken[]; max?: number }) {
  if (locks.length === 0) return null;
  const sorted = sortLocks(locks);
  const shown = sorted.slice(0, max);
  const rest = sorted.slice(max);
  return (
    <>
      {shown.map((l) => (
        <span key={`${l.relation}:${l.mode}`} className={`lock-chip lock-${lockLevel(l.mode)}`} title={lockTitle(l.mode)}>
          {l.mode} <span className="lock-rel">{l.relation}</span>
        </span>
      ))}
      {rest.length > 0 ? (
        <span className="lock-chip lock-more" title={rest.map((l) => `${l.mode} ${l.relation}`).join('\n')}>
          +{rest.length} more
        </span>
      ) : null}
    </>
  );
}

/** Locks held while the statement runs, taken by an earlier statement (its blocking still counts). */
function HeldChips({ held, touched, max = 2 }: { held: HeldLock[]; touched: LockTaken[]; max?: number }) {
  if (held.length === 0) return null;
  // the relations this statement works on first: the lock it runs under there is the one that matters
  const mine = new Set(touched.map((l) => l.relation));
  const sorted = held
    .filter((l) => !l.relation.startsWith('pg_toast.'))
    .sort((a, b) => Number(mine.has(b.relation)) - Number(mine.has(a.relation)) || lockRank(b.mode) - lockRank(a.mode) || a.relation.localeCompare(b.relation));
  const since = (l: HeldLock) => `${l.since.version} #${l.since.index + 1}`;
  const shown = sorted.slice(0, max);
  const rest = sorted.slice(max);
  return (
    <>
      {shown.map((l) => (
        <span key={`${l.relation}:${l.mode}`} className={`lock-chip lock-held lock-${lockLevel(l.mode)}`} data-testid="held-lock" title={`${lockTitle(l.mode)}\nheld since ${since(l)}: still held while this statement runs, so others keep waiting`}>
          held {l.mode} <span className="lock-rel">{l.relation}</span> <span className="muted">since {since(l)}</span>
        </span>
      ))}
      {rest.length > 0 ? (
        <span className="lock-chip lock-more" title={rest.map((l) => `held ${l.mode} ${l.relation} since ${since(l)}`).join('\n')}>
          +{rest.length} held
        </span>
      ) : null}
    </>
  );
}

export interface PlanTableProps {
  migrations: PlannedMigration[];
  run: RunSnapshot | null;
  rehearsal: Map<string, RehearsedStatement>;
  liveLocks: Map<string, LockTaken[]>;
  breakpoints: Set<string>;
  onToggleBreakpoint(version: string, index: number): void;
  /** breakpoints only matter in step-through: say so on the toggles */
  breakpointsActive: boolean;
}

interface BlockProps {
  m: PlannedMigration;
  run: RunSnapshot | null;
  results: Map<string, MigrationResult>;
  rehearsal: Map<string, RehearsedStatement>;
  liveLocks: Map<string, LockTaken[]>;
  breakpoints: Set<string>;
  onToggleBreakpoint(version: string, index: number): void;
  breakpointsActive: boolean;
  pos: string | null;
  /** set when windowed: the virtualizer measures the block */
  measureRef?: (el: HTMLTableSectionElement | null) => void;
  index?: number;
}

/**
 * One migration of the plan: its head, BEGIN (or the autocommit note), its statements, COMMIT.
 * Memoised: scrolling a windowed plan re-renders the window, and the blocks already in view
 * (same migration, same run state) are not rendered again, only those scrolled into view.
 */
const MigrationBlock = memo(function MigrationBlock({ m, run, results, rehearsal, liveLocks, breakpoints, onToggleBreakpoint, breakpointsActive, pos, measureRef, index }: BlockProps) {
  const mres = results.get(m.version);
  const tx = m.transaction === 'transaction';
  return (
    <tbody ref={measureRef} data-index={index} className={tx ? 'mig tx-in' : 'mig tx-none'} data-testid={`plan-migration-${m.version}`}>
      <tr className="mig-head">
        <td colSpan={5}>
          <div className="mig-head-row">
            <strong>
              <code>{m.version}</code> {m.name}
            </strong>
            {m.direction === 'down' ? <span className="badge badge-missing">revert</span> : null}
            <span className={tx ? 'tx-badge tx-badge-in' : 'tx-badge tx-badge-none'} title={tx ? 'All statements and the tracking row commit together, or none of them' : m.transactionReason}>
              {tx ? 'one transaction' : 'no transaction'}
            </span>
            <span className="muted small" title="lock_timeout / statement_timeout of this migration">
              lock {formatTimeout(m.lockTimeoutMs)} · stmt {formatTimeout(m.statementTimeoutMs)}
            </span>
            <span className="mig-head-end">
              {mres && mres.outcome !== 'not_run' ? <span className={`outcome outcome-${mres.outcome}`}>{mres.outcome}</span> : null}
              {mres?.durationMs != null ? <span className="muted small">{formatMs(mres.durationMs)}</span> : null}
              {mres && mres.attempts > 1 ? <span className="muted small">{mres.attempts} attempts</span> : null}
            </span>
          </div>
          {mres?.error ? (
            <div className="mig-error" role="alert">
              {mres.error.message}
              {mres.error.where?.line ? <span className="muted"> (line {mres.error.where.line})</span> : null}
            </div>
          ) : null}
        </td>
      </tr>
      <tr className="tx-mark">
        <td className="rail" />
        <td colSpan={4}>
          {tx ? (
            <>
              <code>BEGIN</code> <span className="muted">— lock_timeout and statement_timeout set for this transaction</span>
            </>
          ) : (
            <>
              <strong className="warning">Outside any transaction:</strong> <span className="muted">{m.transactionReason}. Each statement commits on its own; progress is recorded so a failed run resumes.</span>
            </>
          )}
        </td>
      </tr>
      {m.statements.map((s) => {
        const key = `${m.version}:${s.index}`;
        const v = statementView(m, s, run, results, rehearsal, liveLocks);
        const bp = breakpoints.has(key);
        return (
          <tr key={key} id={`stmt-${m.version}-${s.index}`} className={`stmt st-${v.status}${key === pos ? ' at-pos' : ''}`} data-testid={`stmt-${m.version}-${s.index}`} data-status={v.status}>
            <td className="rail">
              <button
                type="button"
                className={bp ? 'bp on' : 'bp'}
                aria-pressed={bp}
                aria-label={`Breakpoint before ${m.version} statement ${s.index + 1} (line ${s.line})`}
                title={`${bp ? 'Remove the breakpoint' : 'Pause before this statement'}${breakpointsActive ? '' : ' (breakpoints apply in step-through runs)'}`}
                data-testid={`bp-${m.version}-${s.index}`}
                onClick={() => onToggleBreakpoint(m.version, s.index)}
              />
            </td>
            <td>
              <span className={`st st-badge-${v.status}`} title={STATUS_TITLE[v.status]}>
                {STATUS_LABEL[v.status]}
              </span>
            </td>
            <td className="stmt-cell">
              <div className="stmt-line">
                <span className="stmt-kind">{s.kind}</span>
                <span className="muted small">line {s.line}</span>
                {!s.transactional ? (
                  <span className="note-chip" title="PostgreSQL refuses this statement inside a transaction block">
                    cannot run in a transaction
                  </span>
                ) : !tx ? (
                  <span className="muted small">autocommit</span>
                ) : null}
              </div>
              <code className="stmt-sql" title={s.sql}>
                {firstLine(s.sql)}
              </code>
              {v.locks.length > 0 || v.held.length > 0 || (v.rehearsal && (v.rehearsal.rewritten.length > 0 || v.rehearsal.note)) || v.result?.error ? (
                <div className="stmt-facts">
                  <LockChips locks={v.locks} />
                  <HeldChips held={v.held} touched={[...v.locks, ...(v.rehearsal?.locks ?? []), ...(v.rehearsal?.rewritten ?? []).map((r) => ({ relation: r, mode: '' })), ...v.held.filter((h) => s.sql.includes(h.relation))]} />
                  {v.rehearsal?.rewritten.map((r) => (
                    <span key={r} className="rewrite-chip" title="relfilenode changed: every row is rewritten under the lock, and the table needs up to twice its size on disk">
                      rewrites {r}
                    </span>
                  ))}
                  {v.rehearsal?.note ? <span className="note-text">{v.rehearsal.note}</span> : null}
                  {v.result?.error ? <span className="stmt-error">{v.result.error}</span> : null}
                </div>
              ) : null}
            </td>
            <td className="num">{formatMs(v.result?.durationMs)}</td>
            <td className="num">{v.result?.rows ?? '—'}</td>
          </tr>
        );
      })}
      <tr className="tx-mark tx-end">
        <td className="rail" />
        <td colSpan={4}>
          {tx ? (
            <>
              <code>COMMIT</code> <span className="muted">— with the tracking row of {m.version}; any failure rolls everything above back</span>
            </>
          ) : (
            <span className="muted">Tracking row of {m.version} recorded after the last statement succeeds.</span>
          )}
        </td>
      </tr>
    </tbody>
  );
});

/** Plans longer than this are windowed: only the migrations in view are in the DOM. */
export const WINDOW_ABOVE = 150;

function PlanHead() {
  return (
    <>
      <colgroup>
        <col style={{ width: 34 }} />
        <col style={{ width: 112 }} />
        <col />
        <col style={{ width: 78 }} />
        <col style={{ width: 56 }} />
      </colgroup>
      <thead>
        <tr>
          <th scope="col" title="Breakpoints (step-through pauses before these statements)">
            <span aria-hidden="true">●</span>
            <span className="sr-only">Breakpoint</span>
          </th>
          <th scope="col">Status</th>
          <th scope="col">Statement</th>
          <th scope="col" className="num">
            Time
          </th>
          <th scope="col" className="num">
            Rows
          </th>
        </tr>
      </thead>
    </>
  );
}

export function PlanTable(props: PlanTableProps) {
  const { migrations, run } = props;
  const runMigrations = run?.migrations;
  const results = useMemo(() => new Map((runMigrations ?? []).map((r) => [r.version, r])), [runMigrations]);
  const pos = run?.position ? `${run.position.version}:${run.position.index}` : null;
  const shared = { run, results, rehearsal: props.rehearsal, liveLocks: props.liveLocks, breakpoints: props.breakpoints, onToggleBreakpoint: props.onToggleBreakpoint, breakpointsActive: props.breakpointsActive, pos };
  if (migrations.length > WINDOW_ABOVE) return <WindowedPlan migrations={migrations} shared={shared} />;
  return <FullPlan migrations={migrations} shared={shared} />;
}

type Shared = Omit<BlockProps, 'm' | 'measureRef' | 'index'>;

function FullPlan({ migrations, shared }: { migrations: PlannedMigration[]; shared: Shared }) {
  const pos = shared.pos;
  // keep the statement the run is at in view
  useEffect(() => {
    if (!pos) return;
    document.getElementById(`stmt-${pos.replace(':', '-')}`)?.scrollIntoView({ block: 'nearest' });
  }, [pos]);
  return (
    <table className="grid plan" aria-label="Run plan">
      <PlanHead />
      {migrations.map((m) => (
        <MigrationBlock key={`${m.direction}-${m.version}`} m={m} {...shared} />
      ))}
    </table>
  );
}

/**
 * A long plan (thousands of migrations) in a scroll box of its own, windowed by migration: each
 * block is measured once rendered (its statements and lock chips make heights vary).
 */
function WindowedPlan({ migrations, shared }: { migrations: PlannedMigration[]; shared: Shared }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer returns unmemoised functions; this component is not memoised either
  const v = useVirtualizer({
    count: migrations.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: (i) => 80 + 46 * (migrations[i]?.statements.length ?? 1),
    overscan: 4,
    initialRect: { width: 900, height: 800 },
  });
  const pos = shared.pos;
  // keep the statement the run is at in view: bring its migration into the window first
  useEffect(() => {
    if (!pos) return;
    const version = pos.slice(0, pos.indexOf(':'));
    const i = migrations.findIndex((m) => m.version === version);
    if (i < 0) return;
    const el = document.getElementById(`stmt-${pos.replace(':', '-')}`);
    if (el) el.scrollIntoView({ block: 'nearest' });
    else v.scrollToIndex(i, { align: 'start' });
  }, [pos, migrations, v]);
  const items = v.getVirtualItems();
  const padTop = items[0]?.start ?? 0;
  const padBottom = v.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div className="vscroll plan-scroll" ref={scrollRef} data-testid="plan-scroll">
      <table className="grid plan" aria-label="Run plan">
        <PlanHead />
        {padTop > 0 ? (
          <tbody aria-hidden="true">
            <tr className="vpad">
              <td colSpan={5} style={{ height: padTop }} />
            </tr>
          </tbody>
        ) : null}
        {items.map((it) => {
          const m = migrations[it.index]!;
          return <MigrationBlock key={`${m.direction}-${m.version}`} m={m} {...shared} index={it.index} measureRef={v.measureElement} />;
        })}
        {padBottom > 0 ? (
          <tbody aria-hidden="true">
            <tr className="vpad">
              <td colSpan={5} style={{ height: padBottom }} />
            </tr>
          </tbody>
        ) : null}
      </table>
    </div>
  );
}
