import { useMemo, useState, type KeyboardEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BreakerState, HookExecution, HookListing, HookSummary } from '../../../src-shared/domain/hooks';
import { useHookExecutions, useHookListing, useTestHooks } from '../api/hooks';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

const OUTCOME_COLOURS: Record<HookExecution['outcome'], string> = {
  success: '#2f9e44',
  failure: '#e03131',
  timeout: '#f08c00',
  breaker_open: '#845ef7',
  skipped: '#adb5bd',
};

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

function BreakerBadge({ breaker }: { breaker: BreakerState | null }) {
  if (!breaker) return <span className="muted small">breaker unknown</span>;
  if (breaker.state === 'open') return <span className="badge badge-missing" title={`next probe at ${breaker.retryAt}`}>breaker open</span>;
  if (breaker.state === 'half_open') return <span className="badge badge-changed">half-open (probing)</span>;
  return (
    <span className="badge badge-applied">
      closed{breaker.consecutiveFailures > 0 ? ` · ${breaker.consecutiveFailures}/${breaker.failureThreshold} failures` : ''}
    </span>
  );
}

function PhaseTable({ listing, onTest, testing }: { listing: HookListing; onTest: (phase: HookListing['phases'][number]['phase'], hookId?: string) => void; testing: boolean }) {
  const byId = new Map<string, HookSummary>(listing.hooks.map((h) => [h.id, h]));
  return (
    <div className="hooks-phases">
      {listing.phases.map((p) => (
        <section key={p.phase} aria-label={`Hooks of ${p.phase}`}>
          <div className="panel-head hooks-phase-head">
            <h3>
              <code>{p.phase}</code>{' '}
              <span className="muted small">
                {p.strategy}
                {p.strategy === 'parallel' ? ` (max ${p.maxConcurrency})` : ''} · phase timeout {formatMs(p.timeoutMs)}
              </span>
            </h3>
            <button type="button" disabled={testing} onClick={() => onTest(p.phase)} aria-label={`Test phase ${p.phase}`}>
              Test phase
            </button>
          </div>
          <table className="grid compact hooks-table">
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">Hook</th>
                <th scope="col">Kind</th>
                <th scope="col">Policy</th>
                <th scope="col">Target</th>
                <th scope="col">Breaker</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.hooks.map((id) => {
                const h = byId.get(id)!;
                return (
                  <tr key={id}>
                    <td>{h.priority}</td>
                    <td>
                      <strong>{h.id}</strong>
                      {h.dependsOn.length ? <span className="muted small"> after {h.dependsOn.join(', ')}</span> : null}
                    </td>
                    <td>{h.kind}</td>
                    <td>
                      {h.policy}
                      {h.retries ? ` (${h.retries} retries)` : ''} · {formatMs(h.timeoutMs)}
                    </td>
                    <td className="hooks-target">
                      <code className="small" title={h.target}>
                        {h.target}
                      </code>
                    </td>
                    <td>
                      <BreakerBadge breaker={h.breaker} />
                    </td>
                    <td>
                      <button type="button" disabled={testing} onClick={() => onTest(p.phase, h.id)} aria-label={`Test hook ${h.id} on ${p.phase}`}>
                        Test
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </section>
      ))}
    </div>
  );
}

interface Row {
  key: string;
  label: string;
  offset: number;
  duration: number;
  execution: HookExecution;
  critical: boolean;
}

function Timeline({ executions, criticalKeys, selected, onSelect }: { executions: HookExecution[]; criticalKeys: Set<string>; selected: string | null; onSelect: (key: string) => void }) {
  const rows: Row[] = useMemo(() => {
    const t0 = Math.min(...executions.map((e) => Date.parse(e.startedAt)));
    return executions.map((e, i) => {
      const key = `${i}`;
      return {
        key,
        label: `${e.phase} · ${e.hookId}${e.attempt > 1 ? ` #${e.attempt}` : ''}`,
        offset: Date.parse(e.startedAt) - t0,
        // a 0 ms bar would be invisible
        duration: Math.max(e.durationMs, 1),
        execution: e,
        critical: criticalKeys.has(execKey(e)),
      };
    });
  }, [executions, criticalKeys]);
  const height = Math.min(60 + rows.length * 28, 800);
  const outcomes = [...new Set(rows.map((r) => r.execution.outcome))];
  return (
    <figure className="hooks-timeline">
      <div aria-hidden="true" style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={rows} layout="vertical" margin={{ left: 16, right: 24, top: 8, bottom: 22 }} barCategoryGap={4}>
          <CartesianGrid horizontal={false} strokeDasharray="3 3" />
          <XAxis type="number" tickFormatter={(v: number) => formatMs(v)} label={{ value: 'time since the first hook started', position: 'insideBottom', offset: -14, fontSize: 11 }} />
          <YAxis type="category" dataKey="label" width={260} tick={{ fontSize: 11 }} interval={0} />
          <Tooltip
            formatter={(value, name) => (name === 'duration' ? [formatMs(Number(value)), 'duration'] : [formatMs(Number(value)), 'started at +'])}
          />
          <Bar dataKey="offset" stackId="t" fill="transparent" isAnimationActive={false} />
          <Bar dataKey="duration" stackId="t" isAnimationActive={false} onClick={(d: unknown) => onSelect((d as { payload?: Row }).payload?.key ?? '')}>
            {rows.map((r) => (
              <Cell
                key={r.key}
                cursor="pointer"
                fill={OUTCOME_COLOURS[r.execution.outcome]}
                stroke={r.key === selected ? '#1c7ed6' : r.critical ? '#000' : 'none'}
                strokeWidth={r.key === selected || r.critical ? 2 : 0}
              />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      </div>
      <figcaption className="muted small chart-legend">
        {outcomes.map((o) => (
          <span key={o}>
            <span className="swatch" style={{ background: OUTCOME_COLOURS[o] }} aria-hidden="true" /> {o}
          </span>
        ))}
        <span>
          <span className="swatch swatch-outline" aria-hidden="true" /> on the critical path
        </span>
        <span>Bars start when the hook started and last as long as it ran. The table below has the same data.</span>
      </figcaption>
    </figure>
  );
}

const execKey = (e: HookExecution) => `${e.phase}|${e.hookId}|${e.attempt}|${e.startedAt}`;

function ExecutionList({ executions, criticalKeys, selected, onSelect }: { executions: HookExecution[]; criticalKeys: Set<string>; selected: string | null; onSelect: (key: string | null) => void }) {
  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const cur = selected === null ? -1 : Number(selected);
    const next = Math.max(0, Math.min(executions.length - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    onSelect(String(next));
    document.getElementById(`hook-exec-${next}`)?.focus();
  };
  return (
    <table className="grid compact hooks-executions" aria-label="Hook executions">
      <caption className="sr-only">Hook executions of the run; use the arrow keys to move and Enter to show the output</caption>
      <thead>
        <tr>
          <th scope="col">Phase</th>
          <th scope="col">Hook</th>
          <th scope="col">Attempt</th>
          <th scope="col">Outcome</th>
          <th scope="col">Started</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody onKeyDown={onKey}>
        {executions.map((e, i) => {
          const key = String(i);
          const open = selected === key;
          return (
            <FragmentRow key={key} id={`hook-exec-${i}`} open={open} onToggle={() => onSelect(open ? null : key)} execution={e} critical={criticalKeys.has(execKey(e))} />
          );
        })}
      </tbody>
    </table>
  );
}

function FragmentRow({ id, open, onToggle, execution: e, critical }: { id: string; open: boolean; onToggle: () => void; execution: HookExecution; critical: boolean }) {
  return (
    <>
      <tr
        id={id}
        tabIndex={0}
        aria-expanded={open}
        className={open ? 'selected' : undefined}
        onClick={onToggle}
        onKeyDown={(k) => {
          if (k.key === 'Enter' || k.key === ' ') {
            k.preventDefault();
            onToggle();
          }
        }}
      >
        <td>
          <code>{e.phase}</code>
        </td>
        <td>
          {e.hookId}
          {critical ? <span className="badge small" title="on the critical path"> critical path</span> : null}
        </td>
        <td>
          {e.attempt}
          {e.final ? '' : ' (retried)'}
        </td>
        <td style={{ color: OUTCOME_COLOURS[e.outcome] }}>{e.outcome}</td>
        <td className="small">{new Date(e.startedAt).toLocaleTimeString()}</td>
        <td>{formatMs(e.durationMs)}</td>
      </tr>
      {open ? (
        <tr>
          <td colSpan={6}>
            {e.error ? <p className="error-message">{e.error}</p> : null}
            {e.outputExcerpt ? <pre className="sql" aria-label={`Output of ${e.hookId}`}>{e.outputExcerpt}</pre> : <p className="muted small">No output recorded.</p>}
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function HooksScreen() {
  const { projectDir, connectionId } = useUi();
  const [runId, setRunId] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const listing = useHookListing(projectDir, connectionId);
  const report = useHookExecutions(projectDir, connectionId, runId);
  const test = useTestHooks();
  const criticalKeys = useMemo(() => new Set((report.data?.criticalPath.executions ?? []).map(execKey)), [report.data]);

  const onTest = (phase: HookListing['phases'][number]['phase'], hookId?: string) => {
    if (!projectDir || !connectionId) return;
    test.mutate({ dir: projectDir, connectionId, phase, ...(hookId ? { hookId } : {}) }, { onSuccess: (r) => setRunId(r.runId) });
  };

  return (
    <div className="screen hooks-screen">
      <header className="screen-header">
        <h2>Hooks</h2>
        <p className="screen-sub">Checks and notifications the engine fires around every run and migration (from <code>hooks:</code> in confiture.yaml). Test a phase to fire its hooks with a sample context.</p>
      </header>
      <section aria-label="Configured hooks">
        {listing.isLoading ? (
          <Loading label="Reading the hooks of confiture.yaml…" />
        ) : listing.isError ? (
          <ErrorPanel error={listing.error} title="Cannot read the hooks" onRetry={() => void listing.refetch()} />
        ) : !listing.data || listing.data.hooks.length === 0 ? (
          <Empty title="No hooks configured">
            Add hooks under <code>hooks:</code> in confiture.yaml — Slack, PagerDuty, webhooks, SQL checks, scripts. See docs/guides/hooks.md.
          </Empty>
        ) : (
          <PhaseTable listing={listing.data} onTest={onTest} testing={test.isPending} />
        )}
        {test.isPending ? <Loading label="Running the hooks with a sample context…" /> : null}
        {test.isError ? <ErrorPanel error={test.error} title="The test could not run" /> : null}
        {test.data ? (
          <p role="status" className={test.data.ok ? 'muted' : 'warning'}>
            {test.data.gate && !test.data.gate.proceed
              ? `Gate closed by ${test.data.gate.by}: ${test.data.gate.reason}`
              : test.data.ok
                ? test.data.executions.length === 1
                  ? '1 hook execution succeeded.'
                  : `All ${test.data.executions.length} hook executions succeeded.`
                : 'A hook failed.'}
          </p>
        ) : null}
      </section>

      <section aria-label="Executions of a run">
        <h3 className="section-title">Executions</h3>
        {report.isLoading ? (
          <Loading label="Reading hook executions…" />
        ) : report.isError ? (
          <ErrorPanel error={report.error} title="Cannot read the executions" onRetry={() => void report.refetch()} />
        ) : !report.data || report.data.runs.length === 0 ? (
          <Empty title="No hook has run yet">Executions appear here after a migration run or a test.</Empty>
        ) : (
          <>
            <label>
              Run{' '}
              <select
                value={report.data.runId ?? ''}
                onChange={(e) => {
                  setRunId(e.target.value || null);
                  setSelected(null);
                }}
              >
                {report.data.runs.map((r) => (
                  <option key={r.runId} value={r.runId}>
                    {new Date(r.lastAt).toLocaleString()} · {r.runId.slice(0, 8)} · {r.executions} executions{r.failures ? `, ${r.failures} failed` : ''}
                  </option>
                ))}
              </select>
            </label>
            <p className="muted small">
              Critical path: {report.data.criticalPath.executions.map((e) => `${e.phase}/${e.hookId}`).join(' → ') || '—'} · {formatMs(report.data.criticalPath.hookMs)} in hooks
              over a {formatMs(report.data.criticalPath.spanMs)} span
            </p>
            {report.data.executions.length === 0 ? (
              <Empty title="No executions in this run" />
            ) : (
              <>
                <Timeline executions={report.data.executions} criticalKeys={criticalKeys} selected={selected} onSelect={setSelected} />
                <ExecutionList executions={report.data.executions} criticalKeys={criticalKeys} selected={selected} onSelect={setSelected} />
              </>
            )}
          </>
        )}
      </section>
    </div>
  );
}
