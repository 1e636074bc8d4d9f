import { Fragment, useState } from 'react';
import { Bar, BarChart, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { objectiveLabel, formatBudgetSpent, formatMs as ms, formatShare as pct, type SloEvent, type SloObjectiveStatus, type SloStatusName } from '../../../src-shared/domain/slo';
import { useSloReport } from '../api/slo';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';
import { SloTrends } from '../components/desk/SloTrendChart';

const WINDOWS: { value: string; label: string }[] = [
  { value: '', label: "each objective's own" },
  { value: '24h', label: 'last 24 hours' },
  { value: '7d', label: 'last 7 days' },
  { value: '30d', label: 'last 30 days' },
  { value: '90d', label: 'last 90 days' },
];

const STATUS_LABEL: Record<SloStatusName, string> = { ok: 'within budget', at_risk: 'at risk', violated: 'violated', no_data: 'no data' };
const STATUS_COLOUR: Record<SloStatusName, string> = { ok: '#1f7a4d', at_risk: '#b7791f', violated: '#b42318', no_data: '#8a94a6' };

const rate = (x: number | null) => (x === null ? '—' : x === 0 ? '0×' : `${x < 10 ? x.toFixed(2) : x.toFixed(1)}×`);


function StatusBadge({ status }: { status: SloStatusName }) {
  return <span className={`badge slo-badge slo-${status}`}>{STATUS_LABEL[status]}</span>;
}

/** Error budget as one horizontal bar: spent vs left, clamped to 0–100 % (overspend is said in words). */
function BudgetBar({ o }: { o: SloObjectiveStatus }) {
  const consumed = o.budgetConsumed ?? 0;
  const spent = Math.min(100, Math.max(0, consumed * 100));
  const data = [{ name: 'budget', spent, left: 100 - spent }];
  return (
    <div className="slo-budget">
      <div className="slo-budget-label">
        <span>Error budget</span>
        <strong className={consumed > 1 ? 'bad-text' : undefined}>
          {consumed > 1 ? `overspent: ${formatBudgetSpent(consumed)} used` : `${pct(o.budgetRemaining)} left`}
        </strong>
      </div>
      <div className="slo-budget-chart" aria-hidden="true">
        <ResponsiveContainer width="100%" height={22}>
          <BarChart data={data} layout="vertical" margin={{ top: 0, right: 0, bottom: 0, left: 0 }}>
            <XAxis type="number" domain={[0, 100]} hide />
            <YAxis type="category" dataKey="name" hide />
            <Bar dataKey="spent" stackId="b" fill={STATUS_COLOUR[o.status]} isAnimationActive={false} radius={[4, 0, 0, 4]} />
            <Bar dataKey="left" stackId="b" fill="#e6e9ef" isAnimationActive={false} radius={[0, 4, 4, 0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <p className="muted small slo-budget-note">
        {o.bad} bad event{o.bad === 1 ? '' : 's'}, {o.allowedBad < 10 ? o.allowedBad.toFixed(2) : Math.round(o.allowedBad)} allowed over {o.window}
      </p>
    </div>
  );
}

function eventWhat(v: SloEvent): string {
  return [v.version ? `${v.version}${v.direction ? ` ${v.direction}` : ''}` : null, v.statementIndex !== null ? `#${v.statementIndex + 1}${v.line ? ` line ${v.line}` : ''}${v.statementKind ? ` ${v.statementKind}` : ''}` : null].filter(Boolean).join(' · ') || '—';
}

function Violations({ o }: { o: SloObjectiveStatus }) {
  if (o.bad === 0) return <p className="all-clear small">No violating event in the window.</p>;
  return (
    <details className="slo-violations">
      <summary>
        {o.bad} violating event{o.bad > 1 ? 's' : ''}
        {o.violationsTruncated ? ` (newest ${o.violations.length} shown)` : ''}
      </summary>
      <div className="slo-table-wrap">
        <table className="grid compact" aria-label={`Violating events of ${o.id}`}>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Run</th>
              <th scope="col">Where</th>
              <th scope="col" className="num">
                {o.sli === 'blocked_wait_ms' ? 'Longest wait' : 'Duration'}
              </th>
            </tr>
          </thead>
          <tbody>
            {o.violations.map((v, i) => (
              <Fragment key={`${v.runId}-${i}`}>
              <tr className={v.detail ? 'slo-has-detail' : undefined}>
                <td className="small slo-when">{new Date(v.at).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' })}</td>
                <td>
                  <code title={v.runId}>{v.runId.slice(0, 8)}</code> <span className="muted small">{v.runKind}</span>
                </td>
                <td className="slo-when">{eventWhat(v)}</td>
                <td className="num">
                  {ms(v.durationMs)}
                  {v.attempts !== null && v.attempts > 1 ? <span className="muted small"> · {v.attempts} attempts</span> : null}
                </td>
              </tr>
              {v.detail ? (
                // the detail (an error, whom a migration blocked) on its own line, the card's full width
                <tr className="slo-detail-row">
                  <td colSpan={4} className="slo-detail small" title={v.detail}>
                    {v.detail}
                  </td>
                </tr>
              ) : null}
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function ObjectiveCard({ o }: { o: SloObjectiveStatus }) {
  const titleId = `slo-${o.id}-title`;
  return (
    <article className={`card slo-card slo-card-${o.status}`} aria-labelledby={titleId} data-testid={`slo-card-${o.id}`}>
      <header className="slo-card-head">
        <h3 id={titleId}>{o.id}</h3>
        <StatusBadge status={o.status} />
      </header>
      <p className="muted small slo-desc">{o.description || `${pct(o.objective)} of ${objectiveLabel(o)}`}</p>
      <p className="slo-figure">
        <span className="slo-value" style={{ color: STATUS_COLOUR[o.status] }}>
          {pct(o.sliValue)}
        </span>{' '}
        <span className="muted">
          of {objectiveLabel(o)} · objective {pct(o.objective)} over {o.window}
        </span>
      </p>
      {o.status === 'no_data' ? (
        <p className="muted small">No event in the last {o.window}: nothing to judge yet. Apply or revert migrations and this fills in.</p>
      ) : (
        <>
          <dl className="facts compact-facts">
            <dt>Events</dt>
            <dd>
              {o.good} good of {o.total}
            </dd>
            <dt>Burn rate</dt>
            <dd>
              {rate(o.burnRate.short)} over {o.burnRate.shortWindow} · {rate(o.burnRate.long)} over {o.window}
              {o.burnRate.fastBurn ? (
                <span className="badge slo-badge slo-violated slo-fast" title={`short-window burn rate above ${o.burnRate.fastBurnRate}`}>
                  fast burn
                </span>
              ) : null}
            </dd>
          </dl>
          <BudgetBar o={o} />
          <p className="small slo-reason">{o.reason}</p>
          <Violations o={o} />
        </>
      )}
    </article>
  );
}

export function SloScreen() {
  const { projectDir, connectionId } = useUi();
  const [windowChoice, setWindowChoice] = useState('');
  const report = useSloReport(projectDir, connectionId, windowChoice || null);
  const data = report.data;
  const allNoData = data !== undefined && data.objectives.length > 0 && data.objectives.every((o) => o.status === 'no_data');

  return (
    <section className="screen slo-screen" aria-labelledby="slo-title">
      <header className="screen-header">
        <h2 id="slo-title">Service level objectives</h2>
        <p className="screen-sub">Whether migrations stay within budget, from the run history recorded in the database.</p>
      </header>
      <div className="toolbar slo-toolbar">
        <label className="inline-field" htmlFor="slo-window">
          Window
          <select id="slo-window" value={windowChoice} onChange={(e) => setWindowChoice(e.target.value)}>
            {WINDOWS.map((w) => (
              <option key={w.value} value={w.value}>
                {w.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="chip" onClick={() => void report.refetch()} disabled={report.isFetching} title="Read the run history again">
          ↻ Refresh
        </button>
        {data && !allNoData ? (
          <span className="muted small" role="status">
            {data.summary.violated} violated · {data.summary.at_risk} at risk · {data.summary.ok} within budget · {data.summary.no_data} without data
          </span>
        ) : null}
      </div>
      {report.isLoading ? (
        <Loading label="Reading the run history…" />
      ) : report.isError ? (
        <ErrorPanel error={report.error} title="Cannot compute the SLOs" onRetry={() => void report.refetch()} />
      ) : !data ? null : data.objectives.length === 0 ? (
        <Empty title="No objectives configured">
          <code>slo.objectives</code> is empty in confiture.yaml. Remove the key to get the defaults, or add objectives — see docs/guides/slo.md.
        </Empty>
      ) : allNoData ? (
        <Empty title="No run history yet">
          <p>
            Nothing has been applied or reverted {windowChoice ? `in the ${WINDOWS.find((w) => w.value === windowChoice)?.label ?? windowChoice}` : 'in the window'} on this database, so there is nothing to judge: the status is
            &ldquo;no data&rdquo;, not &ldquo;fine&rdquo;. Runs from the Runner screen or <code>confiture migrate</code> appear here.
          </p>
          <ul className="slo-planned" aria-label="Objectives that will be tracked">
            {data.objectives.map((o) => (
              <li key={o.id}>
                <StatusBadge status={o.status} /> <strong>{o.id}</strong> <span className="muted">— {pct(o.objective)} of {objectiveLabel(o)} over {o.window}</span>
              </li>
            ))}
          </ul>
        </Empty>
      ) : (
        <div className="slo-cards">
          {data.objectives.map((o) => (
            <ObjectiveCard key={o.id} o={o} />
          ))}
        </div>
      )}
      {data && !allNoData ? <SloTrends dir={projectDir} connectionId={connectionId} window={windowChoice || null} /> : null}
    </section>
  );
}
