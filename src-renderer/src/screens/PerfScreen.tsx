/**
 * Performance: pick two baselines (or a baseline and a capture now), see each query's verdict,
 * its two timing distributions with the ratio and interval, and the two plans side by side
 * with the changed nodes highlighted.
 */
import { useMemo, useState, type KeyboardEvent } from 'react';
import type { PerfCompareResult } from '../../../src-shared/contract/perf';
import type { QueryComparison, Verdict } from '../../../src-shared/domain/perf';
import { useStream } from '../api/client';
import { useCompareNow, usePerfBaselines, usePerfCapture, usePerfCompare, usePerfHistory, usePerfPlan, usePerfWorkload } from '../api/perf';
import { Distribution } from '../components/perf/Distribution';
import { ForestPlot, VERDICT_COLOUR } from '../components/perf/ForestPlot';
import { HistoryChart } from '../components/perf/HistoryChart';
import { PlanTree } from '../components/perf/PlanTree';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

const NOW = '__now__';
type SortKey = 'id' | 'verdict' | 'baselineMedianMs' | 'currentMedianMs' | 'ratio' | 'planChanged';
const VERDICT_ORDER: Record<Verdict, number> = { regression: 0, inconclusive: 1, improvement: 2, unchanged: 3 };

function fmt(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0);
}

function CaptureForm({ dir, connectionId, total }: { dir: string; connectionId: string | null; total: number }) {
  const [name, setName] = useState('before');
  const captureM = usePerfCapture();
  const setScreen = useUi((s) => s.setScreen);
  const progress = useStream('perf/progress', captureM.isPending && connectionId ? { connectionId } : null, 1);
  const last = progress.events[progress.events.length - 1];
  const errors = captureM.data?.errors ?? [];
  const missingTables = errors.some((e) => /does not exist/.test(e.error));
  return (
    <>
      <form
        className="perf-form"
        aria-label="Capture a baseline"
        onSubmit={(e) => {
          e.preventDefault();
          if (connectionId) captureM.mutate({ dir, connectionId, name });
        }}
      >
        <label className="inline-field">
          New baseline
          <input className="perf-name" value={name} onChange={(e) => setName(e.target.value)} pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,80}" required aria-label="Baseline name" />
        </label>
        <button type="submit" className="primary" disabled={!connectionId || captureM.isPending}>
          {captureM.isPending ? 'Capturing…' : 'Capture'}
        </button>
        {!connectionId ? <span className="muted small">Connect to a database to capture.</span> : null}
        {captureM.isPending ? (
          <span className="muted small" role="status">
            {last ? `${last.phase} ${last.done}/${last.total}${last.query ? ` · ${last.query}` : ''}` : 'starting…'}
          </span>
        ) : null}
        {captureM.isSuccess ? (
          <span className={errors.length ? 'warning small' : 'ok small'} role="status">
            Saved <code>{captureM.data.id}</code>: {captureM.data.queries - errors.length} of {captureM.data.queries} queries timed
            {errors.length ? `, ${errors.length} could not run` : ''} in {(captureM.data.overhead.wallMs / 1000).toFixed(1)} s
          </span>
        ) : null}
      </form>
      {captureM.isError ? <ErrorPanel error={captureM.error} title="Capture failed" /> : null}
      {errors.length ? (
        <div className="state state-error" role="alert">
          <h3>{errors.length === captureM.data?.queries || errors.length >= total ? 'No query of the workload could run' : `${errors.length} workload queries could not run`}</h3>
          {missingTables ? (
            <p>The workload reads tables this database does not have yet. Apply the migrations that create them (for the demo: 0001–0004) in the Runner, then capture again.</p>
          ) : null}
          <ul className="plain perf-errors">
            {errors.slice(0, 8).map((e) => (
              <li key={e.id}>
                <code>{e.id}</code>: {e.error}
              </li>
            ))}
            {errors.length > 8 ? <li className="muted">… {errors.length - 8} more</li> : null}
          </ul>
          {missingTables ? (
            <button type="button" onClick={() => setScreen('runner')}>
              Open the Runner
            </button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

function VerdictTable({ rows, selected, onSelect }: { rows: QueryComparison[]; selected: string | null; onSelect: (id: string) => void }) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'verdict', desc: false });
  const sorted = useMemo(() => {
    const r = [...rows];
    r.sort((a, b) => {
      let c: number;
      if (sort.key === 'verdict') c = VERDICT_ORDER[a.verdict] - VERDICT_ORDER[b.verdict] || b.ratio - a.ratio;
      else if (sort.key === 'id') c = a.id.localeCompare(b.id);
      else if (sort.key === 'planChanged') c = Number(b.planChanged) - Number(a.planChanged);
      else c = a[sort.key] - b[sort.key];
      return sort.desc ? -c : c;
    });
    return r;
  }, [rows, sort]);
  const header = (key: SortKey, label: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
      <button type="button" className="link th-sort" onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))}>
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const i = sorted.findIndex((r) => r.id === selected);
    let next: QueryComparison | undefined;
    if (e.key === 'ArrowDown') next = sorted[Math.min(sorted.length - 1, i + 1)];
    else if (e.key === 'ArrowUp') next = sorted[Math.max(0, i - 1)];
    else return;
    e.preventDefault();
    if (next) {
      onSelect(next.id);
      document.getElementById(`perf-q-${next.id}`)?.focus();
    }
  };
  return (
    <table className="grid compact perf-verdicts" aria-label="Verdict per query">
      <colgroup>
        <col className="perf-col-query" />
        <col className="perf-col-verdict" />
        <col className="perf-col-ms" />
        <col className="perf-col-ms" />
        <col className="perf-col-ratio" />
        <col />
      </colgroup>
      <thead>
        <tr>
          {header('id', 'Query')}
          {header('verdict', 'Verdict')}
          {header('baselineMedianMs', 'Baseline (ms)')}
          {header('currentMedianMs', 'Current (ms)')}
          {header('ratio', 'Ratio [interval]')}
          {header('planChanged', 'Plan')}
        </tr>
      </thead>
      <tbody onKeyDown={onKey}>
        {sorted.map((q) => (
          <tr
            key={q.id}
            id={`perf-q-${q.id}`}
            data-testid="perf-query-row"
            tabIndex={0}
            aria-selected={q.id === selected}
            className={q.id === selected ? 'selected' : undefined}
            onClick={() => onSelect(q.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                onSelect(q.id);
                e.preventDefault();
              }
            }}
          >
            <td title={q.id}>
              <code>{q.id}</code>
            </td>
            <td style={{ color: VERDICT_COLOUR[q.verdict], fontWeight: q.verdict === 'regression' ? 700 : 400 }} title={q.reason}>
              {q.verdict}
              {q.verdict === 'inconclusive' && q.runsNeeded ? ` (~${q.runsNeeded} runs)` : ''}
            </td>
            <td className="num">{fmt(q.baselineMedianMs)}</td>
            <td className="num">{fmt(q.currentMedianMs)}</td>
            <td className="num">
              ×{q.ratio.toFixed(2)} [{q.ci[0].toFixed(2)}, {q.ci[1].toFixed(2)}]
            </td>
            <td className="ellipsis">{q.planChanged ? <span className="warning" title={q.planSummary ?? ''}>changed: {q.planSummary}</span> : <span className="muted">same</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function QueryDetail({ dir, result, id }: { dir: string; result: PerfCompareResult; id: string }) {
  const q = result.queries.find((x) => x.id === id);
  const samples = result.samples.find((s) => s.id === id);
  const plan = usePerfPlan(dir, result.baseline.id, id, result.current.id);
  const history = usePerfHistory(dir);
  const [view, setView] = useState<'side' | 'baseline' | 'current'>('side');
  const highlights = useMemo(() => {
    const base = new Map<string, string>();
    const cur = new Map<string, string>();
    for (const c of plan.data?.diff?.changes ?? []) {
      if (c.baseId) base.set(c.baseId, c.message);
      if (c.currentId) cur.set(c.currentId, c.message);
    }
    return { base, cur };
  }, [plan.data]);
  if (!q) return null;
  return (
    <section aria-label={`Details of ${id}`} className="panel perf-detail">
      <h3>
        <code>{id}</code> — {q.verdict}
      </h3>
      <p>
        median {fmt(q.baselineMedianMs)} → {fmt(q.currentMedianMs)} ms, ratio <strong>×{q.ratio.toFixed(3)}</strong>, {(q.ciLevel * 100).toFixed(0)} % interval [
        {q.ci[0].toFixed(3)}, {q.ci[1].toFixed(3)}]
        {result.environment.applied ? `; relative to the workload ×${q.adjustedRatio.toFixed(3)} [${q.adjustedCi[0].toFixed(3)}, ${q.adjustedCi[1].toFixed(3)}]` : ''}, p = {q.pValue.toExponential(1)}, BH q ={' '}
        {q.qValue.toExponential(1)}
      </p>
      <p className="muted small">{q.message ?? q.reason}</p>
      {samples ? <Distribution baseline={samples.baseline} current={samples.current} /> : null}
      <h4>History across baselines</h4>
      {history.isLoading ? <Loading label="Reading the baselines…" /> : null}
      {history.isError ? <ErrorPanel error={history.error} onRetry={() => void history.refetch()} /> : null}
      {history.data ? <HistoryChart history={history.data} queryId={id} highlight={[result.baseline.id, result.current.id]} /> : null}
      <h4>Plans</h4>
      {plan.isLoading ? <Loading label="Reading the plans…" /> : null}
      {plan.isError ? <ErrorPanel error={plan.error} /> : null}
      {plan.data ? (
        <>
          {plan.data.diff && plan.data.diff.changes.length ? (
            <ul aria-label="Plan changes">
              {plan.data.diff.changes.slice(0, 20).map((c, i) => (
                <li key={i} className={c.structural ? 'warning' : 'muted'}>
                  {c.message}
                </li>
              ))}
              {plan.data.diff.changes.length > 20 ? <li className="muted">… {plan.data.diff.changes.length - 20} more</li> : null}
            </ul>
          ) : (
            <p className="muted small">The two plans have the same shape.</p>
          )}
          <div role="radiogroup" aria-label="Plan view" className="toolbar">
            {(['side', 'baseline', 'current'] as const).map((v) => (
              <label key={v} className="inline-check perf-radio">
                <input type="radio" name="planview" checked={view === v} onChange={() => setView(v)} /> {v === 'side' ? 'side by side' : v}
              </label>
            ))}
          </div>
          <div style={{ display: 'grid', gridTemplateColumns: view === 'side' ? '1fr 1fr' : '1fr', gap: 12 }}>
            {view !== 'current' ? (
              plan.data.plan ? <PlanTree plan={plan.data.plan} highlight={highlights.base} label="Baseline plan" /> : <p className="muted">No baseline plan{plan.data.planError ? `: ${plan.data.planError}` : ''}</p>
            ) : null}
            {view !== 'baseline' ? (
              plan.data.against ? <PlanTree plan={plan.data.against} highlight={highlights.cur} label="Current plan" /> : <p className="muted">No current plan</p>
            ) : null}
          </div>
        </>
      ) : null}
    </section>
  );
}

function newestId(list: { id: string; createdAt: string }[] | undefined): string | null {
  return list?.length ? [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0]!.id : null;
}

export function PerfScreen() {
  const { projectDir, connectionId } = useUi();
  const workload = usePerfWorkload(projectDir);
  const baselines = usePerfBaselines(projectDir);
  const [base, setBase] = useState<string | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const saved = usePerfCompare(projectDir, base ?? newestId(baselines.data), current !== NOW ? current : null);
  const now = useCompareNow();
  const result: PerfCompareResult | undefined = current === NOW ? now.data : saved.data;
  // default to the newest baseline so the screen is one click from a comparison
  const effectiveBase = base ?? newestId(baselines.data);

  if (!projectDir) return <Empty title="Open a project first" />;
  if (workload.isLoading || baselines.isLoading) return <Loading />;
  if (workload.isError) return <ErrorPanel error={workload.error} onRetry={() => void workload.refetch()} />;
  if (baselines.isError) return <ErrorPanel error={baselines.error} onRetry={() => void baselines.refetch()} />;
  const list = baselines.data ?? [];

  return (
    <div className="screen perf-screen">
      <header className="screen-header">
        <h2>Performance</h2>
        <p className="screen-sub">Capture the workload before and after a change, then compare: each query gets a verdict with its ratio, confidence interval and plan diff.</p>
      </header>
      {workload.data && !workload.data.exists ? (
        <Empty title="No workload yet">
          Create <code>{workload.data.file}</code> (named queries with parameter sets), or run <code>confiture perf import-statements --top 20 --write</code>.
        </Empty>
      ) : null}
      {workload.data?.error && workload.data.exists ? <ErrorPanel error={workload.data.error} title="The workload file is invalid" /> : null}
      {workload.data?.workload ? (
        <p className="muted small">
          {workload.data.workload.queries.length} queries in <code>{workload.data.file}</code>
        </p>
      ) : null}
      <div className="panel perf-controls">
      <CaptureForm dir={projectDir} connectionId={connectionId} total={workload.data?.workload?.queries.length ?? 0} />
      {list.length === 0 ? null : (
        <form
          className="perf-form"
          aria-label="Choose what to compare"
          onSubmit={(e) => {
            e.preventDefault();
            if (current === NOW && effectiveBase && connectionId) now.mutate({ dir: projectDir, base: effectiveBase, connectionId });
          }}
        >
          <label className="inline-field">
            Compare baseline
            <select value={effectiveBase ?? ''} onChange={(e) => setBase(e.target.value || null)} aria-label="Baseline">
              {list.map((b) => (
                <option key={b.id} value={b.id}>
                  {b.id} · {b.environment} · PG {b.serverVersion} · {b.queries} queries × {b.runs} runs
                </option>
              ))}
            </select>
          </label>
          <label className="inline-field">
            against
            <select value={current ?? ''} onChange={(e) => setCurrent(e.target.value || null)} aria-label="Compare against">
              <option value="">choose…</option>
              <option value={NOW} disabled={!connectionId}>
                a capture now{connectionId ? '' : ' (connect first)'}
              </option>
              {list
                .filter((b) => b.id !== effectiveBase)
                .map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.id}
                  </option>
                ))}
            </select>
          </label>
          {current === NOW ? (
            <button type="submit" className="primary" disabled={!effectiveBase || now.isPending}>
              {now.isPending ? 'Capturing and comparing…' : 'Capture now and compare'}
            </button>
          ) : null}
        </form>
      )}
      </div>
      {list.length === 0 ? (
        <Empty title="No baselines yet">Capture one above (or <code>confiture perf capture --name before</code>), then another after your change.</Empty>
      ) : null}
      {saved.isLoading || now.isPending ? <Loading label="Comparing…" /> : null}
      {saved.isError ? <ErrorPanel error={saved.error} /> : null}
      {now.isError ? <ErrorPanel error={now.error} /> : null}
      {result ? (
        <>
          <p role="status">
            <strong style={{ color: result.summary.regression ? VERDICT_COLOUR.regression : undefined }}>{result.summary.regression} regression(s)</strong>, {result.summary.improvement} improvement(s),{' '}
            {result.summary.unchanged} unchanged, {result.summary.inconclusive} inconclusive
            <span className="muted small"> · {result.method.correction}; threshold ±{(result.method.threshold * 100).toFixed(0)} %</span>
          </p>
          <p role="note" aria-label="Environment" className={result.environment.verdict === 'shifted' ? 'warning' : 'muted small'}>
            <strong style={{ color: result.environment.direction === 'slower' ? VERDICT_COLOUR.regression : undefined }}>
              Environment {result.environment.verdict}
              {result.environment.direction ? ` (${result.environment.direction})` : ''} ×{result.environment.ratio.toFixed(3)}
              {result.environment.ci ? ` [${result.environment.ci[0].toFixed(3)}, ${result.environment.ci[1].toFixed(3)}]` : ''}
            </strong>
            : {result.environment.note}
          </p>
          {result.warnings.length ? (
            <ul aria-label="Warnings">
              {result.warnings.map((w) => (
                <li key={w} className="warning">
                  {w}
                </li>
              ))}
            </ul>
          ) : null}
          {result.unmatched.length ? (
            <details>
              <summary>{result.unmatched.length} query(ies) not compared</summary>
              <ul>
                {result.unmatched.map((u) => (
                  <li key={u.id}>
                    <code>{u.id}</code>: {u.reason}
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
          {result.queries.length === 0 ? (
            <Empty title="Nothing to compare">The two captures share no query.</Empty>
          ) : (
            <>
              <h3>Overview</h3>
              <ForestPlot
                rows={result.queries.map((q) => ({ id: q.id, ratio: q.adjustedRatio, ci: q.adjustedCi, verdict: q.verdict, certain: q.evidence?.certain ?? false }))}
                threshold={result.method.threshold}
                level={result.queries[0]!.ciLevel}
                onSelect={setSelected}
                caption={result.environment.applied ? `Ratios relative to the workload's common shift ×${result.environment.ratio.toFixed(3)}.` : 'Raw current/baseline ratios (no drift correction).'}
              />
              <VerdictTable rows={result.queries} selected={selected} onSelect={setSelected} />
            </>
          )}
          {selected ? <QueryDetail dir={projectDir} result={result} id={selected} /> : <p className="muted small">Select a query to see its distributions and plans.</p>}
        </>
      ) : null}
    </div>
  );
}
