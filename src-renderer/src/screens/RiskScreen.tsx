import { memo, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { approvalRequired, type ApprovalState, type MigrationRisk, type RiskLevel, type StatementRisk } from '../../../src-shared/domain/risk';
import { useApprovals, useAuditLog, useDecide, useRiskMigration, useRiskReport } from '../api/risk';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { CalibrationPlot } from '../components/risk/CalibrationPlot';
import { MeasuredVsPredicted } from '../components/risk/MeasuredVsPredicted';
import { useUi } from '../state/ui';
import { VirtualRows } from '../components/desk/VirtualRows';
import { WINDOW_ABOVE } from '../components/runner/PlanTable';
import { formatBytes, formatDuration, formatScore } from '../../../src-shared/format';

const LEVEL_ORDER: Record<string, number> = { low: 0, medium: 1, high: 2, critical: 3 };

const LEVEL_COLOUR: Record<RiskLevel, string> = { low: '#1f7a4d', medium: '#9a6700', high: '#b42318', critical: '#7a0e0e' };

const fmtMs = formatDuration;
const fmtBytes = formatBytes;

export function RiskBadge({ level, score }: { level: RiskLevel; score?: number }) {
  return (
    <span className={`badge badge-${level}`} title={`risk ${level}${score !== undefined ? `, score ${formatScore(score)}` : ''}`}>
      {level}
      {score !== undefined ? ` ${formatScore(score)}` : ''}
    </span>
  );
}

const FactorChart = memo(function FactorChart({ m }: { m: MigrationRisk }) {
  const data = [...m.factors]
    .sort((a, b) => b.contribution - a.contribution)
    .map((f) => {
      const lo = f.weight * f.low * 100;
      const hi = f.weight * f.high * 100;
      return { name: f.name, contribution: f.contribution, err: [Math.max(0, f.contribution - lo), Math.max(0, hi - f.contribution)] as [number, number], explanation: f.explanation };
    });
  return (
    <figure aria-label={`Risk breakdown of ${m.version}: score ${formatScore(m.score)}, interval ${formatScore(m.interval[0])} to ${formatScore(m.interval[1])}`}>
      {/* the interval in words above the chart: inside it, its label ran into the bar's value label */}
      <div className="muted small">
        score {formatScore(m.score)} · interval {formatScore(m.interval[0])}–{formatScore(m.interval[1])} (shaded)
      </div>
      <div style={{ width: '100%', height: 70 }}>
        <ResponsiveContainer>
          <BarChart layout="vertical" data={[{ name: 'score', score: m.score }]} margin={{ left: 10, right: 20, top: 5, bottom: 5 }}>
            <XAxis type="number" domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} />
            <YAxis type="category" dataKey="name" width={130} />
            <ReferenceArea x1={m.interval[0]} x2={m.interval[1]} fill="#7a2e4f" fillOpacity={0.15} />
            {[25, 50, 75].map((x) => (
              <ReferenceLine key={x} x={x} stroke="#adb5bd" strokeDasharray="3 3" />
            ))}
            <Bar dataKey="score" fill={LEVEL_COLOUR[m.level]} isAnimationActive={false} label={{ position: 'right', fontSize: 12, formatter: (v: unknown) => formatScore(Number(v)) }} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div style={{ width: '100%', height: 260 }}>
        <ResponsiveContainer>
          <BarChart layout="vertical" data={data} margin={{ left: 10, right: 20, top: 5, bottom: 5 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" unit=" pts" />
            <YAxis type="category" dataKey="name" width={130} />
            <Tooltip formatter={(v) => [`${String(v)} points`, 'contribution']} labelFormatter={(l, p) => `${String(l)}: ${(p?.[0]?.payload as { explanation?: string } | undefined)?.explanation ?? ''}`} />
            <Bar dataKey="contribution" isAnimationActive={false}>
              {data.map((d) => (
                <Cell key={d.name} fill={d.contribution >= 10 ? '#b42318' : d.contribution >= 5 ? '#9a6700' : '#2456a6'} />
              ))}
              <ErrorBar dataKey="err" width={4} strokeWidth={1.5} stroke="#1d2430" direction="x" />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted small">Bars: points each factor adds; whiskers: its plausible range given missing inputs. Shaded: the score's confidence interval.</figcaption>
    </figure>
  );
});

/** Locks over time: in one transaction each lock is held from its statement until COMMIT. Memoised, like the chart and the facts: the screen re-renders when the approvals arrive, the migration shown has not changed. */
const LockTimeline = memo(function LockTimeline({ m }: { m: MigrationRisk }) {
  const transactional = m.inputs.transactional;
  let t = 0;
  const rows: { s: StatementRisk; start: number; end: number }[] = [];
  for (const s of m.statements) {
    rows.push({ s, start: t, end: t + s.durationMs.estimate });
    t += s.durationMs.estimate;
  }
  const total = Math.max(t, 1);
  const locks = rows.flatMap(({ s, start, end }) =>
    s.locks.filter((l) => l.existing).map((l) => ({ s, l, start, end: transactional ? total : end })),
  );
  if (locks.length === 0) return <p className="muted">No lock on an existing relation.</p>;
  return (
    <table className="grid compact" aria-label="Lock timeline">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Relation</th>
          <th scope="col">Mode</th>
          <th scope="col">Held (predicted)</th>
          <th scope="col">Blocks</th>
          <th scope="col" style={{ width: '35%' }}>
            Timeline (0 – {fmtMs(total)})
          </th>
        </tr>
      </thead>
      <tbody>
        {locks.map(({ s, l, start, end }) => {
          const blocks = [s.blocks.reads && l.mode === 'AccessExclusiveLock' && 'reads', s.blocks.writes && ['ShareLock', 'ShareRowExclusiveLock', 'ExclusiveLock', 'AccessExclusiveLock'].includes(l.mode) && 'writes'].filter(Boolean).join(' + ') || 'nothing';
          const colour = blocks.includes('reads') ? '#b42318' : blocks.includes('writes') ? '#9a6700' : '#2456a6';
          return (
            <tr key={`${s.index}-${l.relation}`}>
              <td>{s.index}</td>
              <td>
                <code>{l.relation}</code> <span className="muted small">{l.role}</span>
              </td>
              <td>
                <code>{l.mode}</code>
              </td>
              <td>{fmtMs(end - start)}</td>
              <td>{blocks}</td>
              <td>
                <div style={{ position: 'relative', height: 12, background: '#eef1f5', borderRadius: 3 }} aria-hidden="true">
                  <div style={{ position: 'absolute', left: `${(start / total) * 100}%`, width: `${Math.max(((end - start) / total) * 100, 1)}%`, height: '100%', background: colour, borderRadius: 3 }} />
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
});

const Facts = memo(function Facts({ m }: { m: MigrationRisk }) {
  if (!m.inputs.catalog) return <p className="muted">No catalog snapshot (offline): sizes, traffic and dependencies are unknown, so the intervals are wide.</p>;
  if (m.facts.length === 0) return <p className="muted">Touches no existing table.</p>;
  return (
    <table className="grid compact facts-table" aria-label="Catalog facts">
      <thead>
        <tr>
          <th scope="col">Table</th>
          <th scope="col" className="num">Size (+idx)</th>
          <th scope="col" className="num">Rows</th>
          <th scope="col">Stats</th>
          <th scope="col" className="num">Reads/s</th>
          <th scope="col" className="num">Writes/s</th>
          <th scope="col" title="foreign keys / views / triggers that depend on the table">FK / view / trg</th>
          <th scope="col" title="transactions open for long that hold a lock on the table">Long txns</th>
        </tr>
      </thead>
      <tbody>
        {m.facts.map((f) => (
          <tr key={f.table}>
            <td>
              <code>{f.table}</code>
            </td>
            <td className="num">
              {fmtBytes(f.sizeBytes)} (+{fmtBytes(f.indexBytes)})
            </td>
            <td className="num">{f.rowEstimate === null ? '?' : Math.round(f.rowEstimate).toLocaleString()}</td>
            <td className={f.staleStats ? 'warning' : ''} title={f.lastAnalyze ? `last analysed ${f.lastAnalyze}` : 'never analysed'}>
              {f.staleStats ? 'stale' : f.lastAnalyze ? 'fresh' : 'never'}
            </td>
            <td className="num">{f.readsPerSec ?? '–'}</td>
            <td className="num">{f.writesPerSec ?? '–'}</td>
            <td>
              {f.foreignKeys} / {f.views} / {f.triggers}
            </td>
            <td className={f.heldByLongTransactions ? 'warning' : ''}>{f.heldByLongTransactions}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
});

function ApprovalPanel({ dir, connectionId, m, state, threshold }: { dir: string; connectionId: string | null; m: MigrationRisk; state: ApprovalState | undefined; threshold: RiskLevel | null | undefined }) {
  const [by, setBy] = useState('');
  const [comment, setComment] = useState('');
  const [repair, setRepair] = useState(false);
  const decide = useDecide();
  const audit = useAuditLog(dir, connectionId);
  const broken = audit.data ? !audit.data.verification.ok : false;
  // the decision records exactly the assessment shown here (by its hash)
  const submit = (decision: 'approved' | 'rejected') =>
    decide.mutate(
      { dir, version: m.version, decision, by, comment, riskHash: m.hash, ...(connectionId ? { connectionId } : {}), ...(broken && repair ? { repair: true } : {}) },
      {
        onSuccess: () => {
          setComment('');
          setRepair(false);
        },
      },
    );
  const trail = (audit.data?.entries ?? []).filter((e) => e.version === m.version);
  return (
    <section aria-label="Approval">
      <h3>Approval</h3>
      <p>
        {state ? (
          <span className={state.state === 'approved' ? 'ok' : state.state === 'missing' ? 'muted' : 'warning'} data-testid="approval-state">
            <strong>{state.state}</strong> — {state.reason}
            {/* the table says "not required": say it here too, and why (an approval is still possible) */}
            {state.state === 'missing' && threshold !== undefined && !approvalRequired(m.level, threshold)
              ? `; not required: ${threshold === null ? 'the project requires no approvals' : `the project requires one above ${threshold}`}`
              : ''}
          </span>
        ) : (
          <span className="muted">loading…</span>
        )}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit('approved');
        }}
      >
        <label>
          Your name <input value={by} onChange={(e) => setBy(e.target.value)} required aria-required="true" autoComplete="name" />
        </label>
        <label style={{ display: 'block', marginTop: 6 }}>
          Comment
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} rows={2} style={{ width: '100%' }} />
        </label>
        {broken ? (
          <label className="inline-check" style={{ display: 'block', marginTop: 6 }}>
            <input type="checkbox" checked={repair} onChange={(e) => setRepair(e.target.checked)} data-testid="approval-repair" /> Repair the audit log with this decision: keep the entries before the break, archive the tampered files
            (every later approval stays revoked until re-approved)
          </label>
        ) : null}
        <div className="toolbar" style={{ marginTop: 6 }}>
          <button type="submit" className="primary" disabled={!by.trim() || decide.isPending || (broken && !repair)} data-testid="approve">
            Approve at {m.level} ({formatScore(m.score)})
          </button>
          <button type="button" className="danger" disabled={!by.trim() || decide.isPending || (broken && !repair)} onClick={() => submit('rejected')}>
            Reject
          </button>
        </div>
      </form>
      {decide.isError ? <ErrorPanel error={decide.error} title="Decision not recorded" /> : null}
      <h4>Audit trail</h4>
      {audit.isLoading ? <Loading label="Reading the audit log…" /> : null}
      {audit.isError ? <ErrorPanel error={audit.error} title="Cannot read the audit log" onRetry={() => void audit.refetch()} /> : null}
      {audit.data ? (
        <>
          <p className={audit.data.verification.ok ? 'ok small' : 'warning small'} role={audit.data.verification.ok ? undefined : 'alert'} data-testid="audit-verification">
            {audit.data.verification.ok
              ? `Hash chain intact (${audit.data.verification.entries} ${audit.data.verification.entries === 1 ? 'entry' : 'entries'}${audit.data.verification.anchor?.checked ? `, ${audit.data.verification.anchor.anchored} anchored in ${audit.data.verification.anchor.database ?? 'the database'}` : ', not checked against a database'}).`
              : `Audit log tampered — approvals after the break are revoked${audit.data.verification.revoked?.length ? ` (${audit.data.verification.revoked.join(', ')})` : ''} until a DBA re-approves: ${audit.data.verification.problems.map((p) => `${p.line ? `line ${p.line}: ` : ''}${p.message}`).join('; ')}`}
          </p>
          {trail.length === 0 ? (
            <p className="muted small">No decision recorded for {m.version}.</p>
          ) : (
            <ol className="list" aria-label={`Decisions on ${m.version}`}>
              {trail.map((e) => (
                <li key={e.hash}>
                  <span>
                    <strong>{e.decision}</strong> by {e.by} at risk {e.level} ({formatScore(e.score)}){e.comment ? ` — ${e.comment}` : ''}
                  </span>
                  <span className="muted small" title={`checksum ${e.checksum}\nrisk ${e.riskHash}\nhash ${e.hash}`}>
                    {new Date(e.at).toLocaleString()}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </>
      ) : null}
    </section>
  );
}

export function ApprovalBadge({ state, required = true }: { state: ApprovalState['state'] | undefined; required?: boolean }) {
  if (!state) return <span className="muted small">…</span>;
  // nothing recorded and nothing needed: not a missing approval
  if (state === 'missing' && !required) return <span className="muted small">not required</span>;
  const cls = state === 'approved' ? 'badge-applied' : state === 'rejected' || state === 'revoked' ? 'badge-missing' : state === 'stale' ? 'badge-changed' : 'badge-none';
  return <span className={`badge ${cls}`}>{state === 'missing' ? 'not approved' : state}</span>;
}

/**
 * True once a frame has been painted after `ready` turned true: the Risk screen commits its table
 * first and the selected migration's details (charts, lock timeline, facts, approval) after that
 * paint, so the list shows as soon as the report arrives even when the charts are slow to lay out.
 */
function useAfterPaint(ready: boolean): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!ready || painted) return;
    let timer: number | undefined;
    // the rAF callback runs just before the paint; a task queued from it runs after
    const frame = requestAnimationFrame(() => {
      timer = window.setTimeout(() => setPainted(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [ready, painted]);
  return painted;
}

export function RiskScreen() {
  const dir = useUi((s) => s.projectDir);
  const connectionId = useUi((s) => s.connectionId);
  const report = useRiskReport(dir, connectionId);
  const approvals = useApprovals(dir, connectionId);
  const [selected, setSelected] = useState<string | null>(null);
  const [order, setOrder] = useState<'risk' | 'plan'>('risk');
  const detailsShown = useAfterPaint(!!report.data);
  const migrations = useMemo(() => {
    const ms = [...(report.data?.migrations ?? [])];
    // worst first; ties keep the plan order (versions ascending)
    // level first: a floor (data destroyed, findings at error) can make a lower score a higher level
    if (order === 'risk') ms.sort((a, b) => (LEVEL_ORDER[b.level] ?? 0) - (LEVEL_ORDER[a.level] ?? 0) || b.score - a.score || b.interval[1] - a.interval[1] || a.version.localeCompare(b.version));
    return ms;
  }, [report.data, order]);
  const current = migrations.find((m) => m.version === selected) ?? migrations[0] ?? null;
  // the list carries each row's fields only: the selected migration's details by its hash
  const listOnly = report.data?.detail === 'list';
  const detail = useRiskMigration(listOnly && current ? current.hash : null, report.data?.generatedAt ?? null);
  const full = !listOnly ? current : detail.data && current && detail.data.hash === current.hash ? detail.data : null;
  const approvalByVersion = new Map((approvals.data ?? []).map((a) => [a.version, a]));
  // thousands of pending migrations: only the rows in view are in the DOM
  const windowed = migrations.length > WINDOW_ABOVE;
  const scrollRef = useRef<HTMLDivElement>(null);
  const riskCells = (m: MigrationRisk) => (
    <>
      <td>
        <code>{m.version}</code>
      </td>
      <td className="ellipsis" title={m.name}>
        {m.name}
      </td>
      <td>
        <RiskBadge level={m.level} score={m.score} />{' '}
        <span className="muted small">
          [{formatScore(m.interval[0])}–{formatScore(m.interval[1])}]
        </span>
      </td>
      <td className="small" title={`90 % interval: ${fmtMs(m.blockingWindowMs.low)} – ${fmtMs(m.blockingWindowMs.high)}`}>
        {m.blockingWindowMs.high <= 0 ? <span className="muted">nothing</span> : `~${fmtMs(m.blockingWindowMs.estimate)}`}
      </td>
      <td>
        <ApprovalBadge state={approvalByVersion.get(m.version)?.state} required={report.data?.requireApprovalAbove === undefined || approvalRequired(m.level, report.data.requireApprovalAbove)} />
      </td>
    </>
  );

  const onKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected(migrations[i]!.version);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Home' || e.key === 'End') {
      // one Tab stop (roving tabindex): arrows, Home and End move within the list
      e.preventDefault();
      const to = e.key === 'Home' ? 0 : e.key === 'End' ? migrations.length - 1 : i + (e.key === 'ArrowDown' ? 1 : -1);
      const next = migrations[Math.min(Math.max(to, 0), migrations.length - 1)];
      if (next) {
        setSelected(next.version);
        (document.querySelector(`[data-risk-row="${next.version}"]`) as HTMLElement | null)?.focus();
      }
    }
  };

  if (!dir) return <Empty title="No project open">Open a project to assess its pending migrations.</Empty>;
  return (
    <div className="screen risk-screen">
      <header className="screen-header">
        <h2>Risk</h2>
        <p className="screen-sub">
          {report.data ? `${migrations.length} pending migration${migrations.length === 1 ? '' : 's'} ` : 'Pending migrations '}
          scored against {connectionId ? 'the live catalog' : 'no database (offline: wide intervals)'}; approve each before the Runner applies it.
        </p>
      </header>
      <div className="toolbar" role="toolbar" aria-label="Order and refresh">
        <button type="button" className={order === 'risk' ? 'chip active' : 'chip'} aria-pressed={order === 'risk'} onClick={() => setOrder('risk')}>
          Highest risk first
        </button>
        <button type="button" className={order === 'plan' ? 'chip active' : 'chip'} aria-pressed={order === 'plan'} onClick={() => setOrder('plan')}>
          Plan order
        </button>
        <button type="button" className="chip" onClick={() => void report.refetch()} disabled={report.isFetching} title="Take a new catalog snapshot and score again">
          {report.isFetching ? 'Assessing…' : '↻ Re-assess'}
        </button>
      </div>
      {report.isLoading ? <Loading label="Taking a catalog snapshot and scoring…" /> : null}
      {report.isError ? <ErrorPanel error={report.error} title="Cannot assess the risk" onRetry={() => void report.refetch()} /> : null}
      {report.data && migrations.length === 0 ? <Empty title="Nothing pending">Every migration is applied: there is nothing to assess.</Empty> : null}
      {report.data && current ? (
        <div className="split">
          <div className="split-main">
            <div className={windowed ? 'vscroll risk-scroll' : undefined} ref={scrollRef}>
            <table className="grid risk-table" aria-label="Migration plan" aria-rowcount={migrations.length + 1}>
              <colgroup>
                <col className="risk-col-version" />
                <col />
                <col className="risk-col-risk" />
                <col className="risk-col-blocks" />
                <col className="risk-col-approval" />
              </colgroup>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Name</th>
                  <th scope="col">Risk [interval]</th>
                  <th scope="col" title="Predicted time other sessions are blocked (estimate; 90 % interval on hover)">
                    Blocks others
                  </th>
                  <th scope="col">Approval</th>
                </tr>
              </thead>
              {windowed ? (
                <VirtualRows
                  rows={migrations}
                  scrollRef={scrollRef}
                  activeIndex={migrations.findIndex((m) => m.version === current.version)}
                  onActivate={(i) => setSelected(migrations[i]!.version)}
                  rowKey={(m) => m.version}
                  columns={5}
                  idPrefix="risk-row-"
                  rowProps={(m) => ({ 'data-risk-row': m.version, 'aria-selected': m.version === current.version, className: m.version === current.version ? 'selected' : '' })}
                  cells={riskCells}
                />
              ) : (
                <tbody>
                  {migrations.map((m, i) => (
                    <tr
                      key={m.version}
                      data-risk-row={m.version}
                      aria-rowindex={i + 2}
                      tabIndex={m.version === current.version ? 0 : -1}
                      aria-selected={m.version === current.version}
                      className={m.version === current.version ? 'selected' : ''}
                      onClick={() => setSelected(m.version)}
                      onKeyDown={(e) => onKey(e, i)}
                    >
                      {riskCells(m)}
                    </tr>
                  ))}
                </tbody>
              )}
            </table>
            </div>
            {detailsShown && full ? (
              <>
                <h3>
                  {full.version} {full.name} <RiskBadge level={full.level} score={full.score} />
                </h3>
                {full.floors.length ? <p className="warning small">{full.floors.join('; ')}</p> : null}
                <FactorChart m={full} />
                <table className="grid compact" aria-label="Factors">
                  <thead>
                    <tr>
                      <th scope="col">Factor</th>
                      <th scope="col">Value</th>
                      <th scope="col">Weight</th>
                      <th scope="col">Points</th>
                      <th scope="col">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {full.factors.map((f) => (
                      <tr key={f.name}>
                        <td>{f.name}</td>
                        <td>
                          {f.value}
                          {f.high > f.low ? <span className="muted small"> [{f.low}–{f.high}]</span> : null}
                        </td>
                        <td>{f.weight}</td>
                        <td>{f.contribution}</td>
                        <td className="small">{f.explanation}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <h3>Measured vs predicted (last rehearsal)</h3>
                <MeasuredVsPredicted m={full} />
                <h3>Lock timeline</h3>
                <LockTimeline m={full} />
                <h3>Catalog facts that drove the score</h3>
                <Facts m={full} />
                <h3>Calibration: predicted vs measured, past applies</h3>
                <CalibrationPlot dir={dir} connectionId={connectionId} />
                <p className="muted small">
                  Inputs: {full.inputs.catalog ? 'catalog' : 'no catalog'} · {full.inputs.rehearsed ? 'rehearsed' : 'never rehearsed'} · throughput {full.inputs.throughput} ·{' '}
                  {full.inputs.historySamples} past applies · lock_timeout {full.inputs.lockTimeoutMs ? fmtMs(full.inputs.lockTimeoutMs) : 'none'}
                  {report.data.calibration?.samples ? ` · calibration ${report.data.calibration.inside}/${report.data.calibration.samples} inside the 90 % interval` : ''}
                </p>
              </>
            ) : listOnly && detail.isError ? (
              // re-assess (the engine forgot this assessment), then ask for the details again: the
              // hash and the report's time may come back the same
              <ErrorPanel error={detail.error} title={`Cannot show the details of ${current.version}`} onRetry={() => void report.refetch().then(() => detail.refetch())} />
            ) : (
              <Loading label="Drawing the details…" />
            )}
          </div>
          <aside className="split-side" aria-label={`Statements and approval of ${current.version}`}>
            {detailsShown && full ? (
              <>
                <ApprovalPanel dir={dir} connectionId={connectionId} m={full} state={approvalByVersion.get(full.version)} threshold={report.data?.requireApprovalAbove} />
                <h3 className="section-title">Statements ({full.statements.length})</h3>
                <ol className="list">
                  {full.statements.map((s) => (
                    <li key={s.index} style={{ display: 'block' }}>
                      <div>
                        <RiskBadge level={s.level} score={s.score} /> <code>{s.kind}</code> <span className="muted small">line {s.line}</span>
                      </div>
                      <pre className="sql small">{s.sql}</pre>
                      <div className="small">
                        {s.rewrites ? 'rewrites · ' : ''}
                        {s.scans ? 'scans · ' : ''}~{fmtMs(s.durationMs.estimate)}
                      </div>
                      {s.safeAlternative && (s.blocks.reads || s.blocks.writes) ? <div className="small ok">Safer: {s.safeAlternative}</div> : null}
                    </li>
                  ))}
                </ol>
              </>
            ) : null}
          </aside>
        </div>
      ) : null}
    </div>
  );
}
