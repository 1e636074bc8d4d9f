/**
 * Fleet: the environments and targets of the open project, its rollouts, and the selected
 * rollout's waves (a timeline), targets (a grid by state, with a legend and text), the canary's
 * predicted vs measured blocking time, and pause / resume / abort — the same service calls as
 * `confiture rollout …`.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { FLEET_TARGET_STATES, type FleetAction, type FleetEnvironment, type FleetRolloutStatus, type FleetRolloutSummary, type FleetTarget, type FleetTargetState, type FleetWave } from '../../../src-shared/domain/fleet';
import { useQueryClient } from '@tanstack/react-query';
import { fleetKeys, useAppWorkers, useFleetOverview, useFleetStatus, useRolloutAction, useStartRollout } from '../api/fleet';
import { ConfirmDialog } from '../components/runner/ConfirmDialog';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

const STATE_TEXT: Record<FleetTargetState, string> = { pending: 'pending', queued: 'queued', running: 'running', applied: 'applied', failed: 'failed', skipped: 'skipped' };
/** a glyph per state so the grid reads without colour */
const STATE_GLYPH: Record<FleetTargetState, string> = { pending: '○', queued: '◔', running: '▶', applied: '✓', failed: '✕', skipped: '–' };
const ROLLOUT_TEXT: Record<FleetRolloutSummary['state'], string> = { running: 'running', paused: 'paused', stopped: 'stopped', aborted: 'aborted', completed: 'completed' };

const ms = (v: number | null) => (v === null ? '—' : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(v < 10_000 ? 2 : 1)} s`);
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' }) : '—');
const countsText = (c: Partial<Record<FleetTargetState, number>>, total: number) =>
  `${c.applied ?? 0} of ${total} applied${c.failed ? `, ${c.failed} failed` : ''}${(c.running ?? 0) + (c.queued ?? 0) ? `, ${(c.running ?? 0) + (c.queued ?? 0)} in progress` : ''}${c.skipped ? `, ${c.skipped} skipped` : ''}`;

/** Stops the app's worker slots: their in-flight targets finish, the rest wait for `confiture worker` processes. */
function StopWorkers({ dir }: { dir: string }) {
  const stop = useAppWorkers();
  return (
    <>
      <button
        type="button"
        className="chip"
        onClick={() => stop.mutate({ dir, slots: 0 })}
        disabled={stop.isPending}
        title="Targets already running finish; the rest wait for confiture worker processes (or start slots again with the next rollout)"
      >
        {stop.isPending ? 'Stopping worker slots…' : '■ Stop worker slots'}
      </button>
      {stop.isError ? <span className="bad-text small" role="alert">Could not stop the worker slots: {(stop.error as Error).message}</span> : null}
    </>
  );
}

function RolloutBadge({ state }: { state: FleetRolloutSummary['state'] }) {
  return <span className={`badge fleet-rollout-${state}`}>{ROLLOUT_TEXT[state]}</span>;
}

function NoTargets() {
  return (
    <Empty title="No targets configured" heading="h3">
      <p>
        This project has no <code>environments</code> in confiture.yaml, so there is nothing to roll out to. Name the databases (or list them with a query on a control database) and group them:
      </p>
      <pre className="fleet-snippet">{`targets:
  t01: { url: "embedded:tenant_01", labels: { tier: gold } }
  t02: { url: "embedded:tenant_02" }
environments:
  dev: { targets: "*" }`}</pre>
      <p>
        Then start a rollout here, or with <code>confiture rollout start --env dev --workers 4</code>. See docs/guides/fleet.md.
      </p>
    </Empty>
  );
}

function TargetsOfEnv({ env, open }: { env: FleetEnvironment; open: boolean }) {
  if (env.error) return <ErrorPanel error={env.error} title={`Cannot list the targets of ${env.name}`} />;
  const ts = env.targets ?? [];
  return (
    <details className="fleet-env-targets" open={open && ts.length <= 12}>
      <summary>
        {ts.length} target{ts.length === 1 ? '' : 's'} in {env.name}
        {env.waves.length ? <span className="muted"> · waves {env.waves.map((w) => `${w.name} ${w.size}`).join(' → ')} · stop after {env.errorBudget} failure{env.errorBudget === 1 ? '' : 's'}</span> : null}
      </summary>
      <div className="fleet-table-wrap">
        <table className="grid compact" aria-label={`Targets of ${env.name}`}>
          <thead>
            <tr>
              <th scope="col">Target</th>
              <th scope="col">Labels</th>
              <th scope="col">Connection</th>
            </tr>
          </thead>
          <tbody>
            {ts.map((t) => (
              <tr key={t.name}>
                <td>{t.name}</td>
                <td className="small">{Object.entries(t.labels).map(([k, v]) => `${k}=${v}`).join(', ') || '—'}</td>
                <td>
                  <code>{t.connection}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

function RolloutList({ rollouts, selected, onSelect }: { rollouts: FleetRolloutSummary[]; selected: string | null; onSelect(id: string): void }) {
  return (
    <ul className="list fleet-rollouts" aria-label="Rollouts, newest first">
      {rollouts.map((r) => (
        <li key={r.id} className={r.id === selected ? 'selected' : undefined}>
          <button type="button" className="link fleet-rollout-pick" aria-current={r.id === selected ? 'true' : undefined} onClick={() => onSelect(r.id)} data-testid={`fleet-rollout-${r.id}`}>
            <code>{r.id.slice(0, 8)}</code> to {r.env}
            {r.targetVersion ? ` up to ${r.targetVersion}` : ''}
          </button>
          <span className="small muted">{when(r.createdAt)}</span>
          <span className="small">{countsText(r.counts, r.targets)}</span>
          <RolloutBadge state={r.state} />
        </li>
      ))}
    </ul>
  );
}

function Canary({ s }: { s: FleetRolloutStatus }) {
  const c = s.canary;
  if (!c) return null;
  const max = Math.max(c.predictedMs ?? 0, c.measuredMs ?? 0, c.limitMs ?? 0, 1);
  const bar = (v: number | null, cls: string) => <span className={`fleet-bar ${cls}`} style={{ width: `${v === null ? 0 : Math.max(1, (v / max) * 100)}%` }} aria-hidden="true" />;
  const over = c.measuredMs !== null && c.limitMs !== null && c.measuredMs > c.limitMs;
  return (
    <section className="card fleet-canary" aria-labelledby="fleet-canary-title">
      <h3 id="fleet-canary-title">Canary blocking time</h3>
      <p className="muted small">
        {c.target} ({STATE_TEXT[c.state]}): the longest wait it caused while migrating, against the risk model&apos;s prediction. The gate allows {s.rollout.gates.canaryBlockingFactor}× the prediction + {ms(s.rollout.gates.canaryBlockingSlack)}.
      </p>
      <dl className="fleet-canary-bars">
        <dt>Predicted</dt>
        <dd>
          {bar(c.predictedMs, 'fleet-bar-predicted')}
          <span>{ms(c.predictedMs)}</span>
        </dd>
        <dt>Measured</dt>
        <dd>
          {bar(c.measuredMs, over ? 'fleet-bar-over' : 'fleet-bar-measured')}
          <span>{c.measuredMs === null ? (c.state === 'applied' || c.state === 'failed' ? '—' : 'not measured yet') : ms(c.measuredMs)}</span>
        </dd>
        <dt>Gate limit</dt>
        <dd>
          {bar(c.limitMs, 'fleet-bar-limit')}
          <span>
            {ms(c.limitMs)}
            {c.measuredMs !== null && c.limitMs !== null ? <strong className={over ? 'bad-text' : 'ok'}>{over ? ' — over the limit' : ' — within the limit'}</strong> : null}
          </span>
        </dd>
      </dl>
    </section>
  );
}

function WaveTimeline({ waves, current }: { waves: FleetWave[]; current: number }) {
  const total = waves.reduce((n, w) => n + w.size, 0) || 1;
  return (
    <section aria-labelledby="fleet-waves-title">
      <h3 id="fleet-waves-title">Waves</h3>
      <ol className="fleet-waves">
        {waves.map((w) => (
          <li key={w.wave} className={`fleet-wave fleet-wave-${w.state}${w.wave === current ? ' fleet-wave-current' : ''}`} style={{ flexGrow: Math.max(1, Math.sqrt(w.size / total) * 10) }} data-testid={`fleet-wave-${w.wave + 1}`}>
            <div className="fleet-wave-head">
              <strong>
                {w.wave + 1}. {w.name}
              </strong>
              <span className={`badge fleet-wavestate-${w.state}`}>{w.state}</span>
            </div>
            <div className="small">
              {countsText(w.counts, w.size)} · {w.concurrency} at once
            </div>
            <div className="small muted">
              {w.startedAt ? `${when(w.startedAt)} → ${w.finishedAt ? when(w.finishedAt) : w.state === 'soaking' && w.notBefore ? `soaking until ${when(w.notBefore)}` : '…'}` : 'not started'}
            </div>
            {w.gate ? (
              <ul className="fleet-gate small" aria-label={`Gate after wave ${w.wave + 1}`}>
                {w.gate.checks.map((g, i) => (
                  <li key={i} className={g.ok ? 'ok' : 'bad-text'}>
                    {g.ok ? '✓ gate ok: ' : '✕ gate failed: '}
                    {g.detail}
                  </li>
                ))}
                {w.gate.overridden ? <li className="warning">accepted by an operator (override)</li> : null}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** What a target cell says on hover (title) and, for the cell with keyboard focus, below the grid. */
const targetDetail = (t: FleetTarget) =>
  `${t.name} — wave ${t.wave + 1}, ${t.state}${t.attempts > 1 ? `, ${t.attempts} attempts` : ''}${t.durationMs !== null ? `, ${ms(t.durationMs)}` : ''}${t.error ? `: ${t.error.message}` : ''}`;

/** How many cells a row of the CSS grid holds right now (auto-fill columns). */
function gridColumns(el: HTMLElement | null): number {
  if (!el) return 1;
  return Math.max(1, getComputedStyle(el).gridTemplateColumns.split(' ').filter(Boolean).length);
}

function TargetGrid({ targets }: { targets: FleetTarget[] }) {
  const counts = useMemo(() => targets.reduce<Partial<Record<FleetTargetState, number>>>((m, t) => ({ ...m, [t.state]: (m[t.state] ?? 0) + 1 }), {}), [targets]);
  const attention = targets.filter((t) => t.state === 'failed');
  // one Tab stop (roving tabindex): arrows move by cell and by row, Home/End to the ends
  const gridRef = useRef<HTMLOListElement>(null);
  const [active, setActive] = useState(0);
  const [focused, setFocused] = useState(false);
  const current = targets[Math.min(active, targets.length - 1)];
  const onKey = (e: KeyboardEvent<HTMLOListElement>) => {
    const cols = gridColumns(gridRef.current);
    const step: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    let to: number | undefined;
    if (e.key in step) to = active + step[e.key]!;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = targets.length - 1;
    if (to === undefined) return;
    e.preventDefault();
    const i = Math.min(Math.max(to, 0), targets.length - 1);
    setActive(i);
    gridRef.current?.querySelectorAll<HTMLElement>('.fleet-cell')[i]?.focus();
  };
  return (
    <section aria-labelledby="fleet-grid-title">
      <h3 id="fleet-grid-title">Targets</h3>
      <ul className="fleet-legend" aria-label="Legend: target states and counts">
        {FLEET_TARGET_STATES.map((s) => (
          <li key={s} data-testid={`fleet-count-${s}`}>
            <span className={`fleet-cell-swatch fleet-state-${s}`} aria-hidden="true">
              {STATE_GLYPH[s]}
            </span>
            {STATE_TEXT[s]} <strong>{counts[s] ?? 0}</strong>
          </li>
        ))}
      </ul>
      <ol
        ref={gridRef}
        className="fleet-grid"
        aria-label="Targets by wave and state (arrow keys move between targets)"
        onKeyDown={onKey}
        onFocus={() => setFocused(true)}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocused(false);
        }}
      >
        {targets.map((t, i) => (
          <li
            key={t.name}
            className={`fleet-cell fleet-state-${t.state}`}
            title={targetDetail(t)}
            tabIndex={i === Math.min(active, targets.length - 1) ? 0 : -1}
            onFocus={() => setActive(i)}
            data-testid={`fleet-target-${t.name}`}
            data-state={t.state}
          >
            <span aria-hidden="true">{STATE_GLYPH[t.state]}</span>
            <span className="fleet-cell-name">{t.name}</span>
            <span className="sr-only">: {t.state}</span>
          </li>
        ))}
      </ol>
      <p className="small muted fleet-target-detail" aria-live="polite" data-testid="fleet-target-detail">
        {focused && current ? targetDetail(current) : 'Hover a target, or Tab into the grid and use the arrow keys, to read its wave, attempts, duration and last error.'}
      </p>
      {attention.length > 0 ? (
        <div className="fleet-table-wrap">
          <table className="grid compact" aria-label="Failed targets">
            <caption className="fleet-caption">Failed targets</caption>
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Wave</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {attention.map((t) => (
                <tr key={t.name}>
                  <td>{t.name}</td>
                  <td>{t.wave + 1}</td>
                  <td className="num">{t.attempts}</td>
                  <td className="small">
                    {t.error ? (
                      <>
                        <code>{t.error.code}</code> {t.error.message}
                      </>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function RolloutView({ dir, id }: { dir: string; id: string }) {
  const status = useFleetStatus(dir, id);
  const action = useRolloutAction();
  const [confirm, setConfirm] = useState<FleetAction | 'override' | null>(null);
  const qc = useQueryClient();
  const progress = status.data ? `${status.data.rollout.state}:${status.data.rollout.counts.applied ?? 0}:${status.data.rollout.counts.failed ?? 0}` : '';
  // the rollout list shows the same counts: keep it in step with the selected rollout
  useEffect(() => {
    if (progress) void qc.invalidateQueries({ queryKey: fleetKeys.overview(dir) });
  }, [progress, dir, qc]);
  if (status.isLoading) return <Loading label="Reading the rollout…" />;
  if (status.isError) return <ErrorPanel error={status.error} title="Cannot read the rollout" onRetry={() => void status.refetch()} />;
  const s = status.data;
  if (!s) return null;
  const r = s.rollout;
  const gateFailed = r.state === 'stopped' && s.waves.some((w) => w.wave === r.currentWave && w.gate && !w.gate.ok);
  const act = (a: FleetAction, overrideGate = false) => action.mutate({ dir, rolloutId: id, action: a, ...(overrideGate ? { overrideGate } : {}) });
  return (
    <section className="fleet-rollout" aria-labelledby="fleet-rollout-title" data-testid="fleet-rollout">
      <header className="fleet-rollout-head">
        <h3 id="fleet-rollout-title">
          Rollout <code>{r.id.slice(0, 8)}</code> to {r.env}
        </h3>
        <RolloutBadge state={r.state} />
        <span className="small" role="status" data-testid="fleet-summary">
          {countsText(r.counts, r.targets)} · wave {Math.min(r.currentWave + 1, s.waves.length)} of {s.waves.length} · {r.failures} of {r.errorBudget} allowed failure{r.errorBudget === 1 ? '' : 's'}
        </span>
      </header>
      <p className="muted small">
        Migrations {r.versions.join(', ') || '—'} · started {when(r.createdAt)} by {r.createdBy}
        {r.finishedAt ? ` · finished ${when(r.finishedAt)}` : ''}
      </p>
      {r.stopReason ? (
        <p className="fleet-stop" role="alert">
          <strong>Stopped:</strong> {r.stopReason}. Fix the cause, then resume: failed targets of the wave are retried, applied ones are never touched again.
        </p>
      ) : null}
      <div className="toolbar fleet-actions" role="group" aria-label="Rollout actions">
        <button type="button" onClick={() => act('pause')} disabled={r.state !== 'running' || action.isPending} title="Running targets finish; nothing new starts">
          Pause
        </button>
        <button type="button" className="primary" onClick={() => act('resume')} disabled={(r.state !== 'paused' && r.state !== 'stopped') || action.isPending} title="Failed targets of the wave are retried; the rest goes on">
          Resume
        </button>
        {gateFailed ? (
          <button type="button" onClick={() => setConfirm('override')} disabled={action.isPending}>
            Resume, accepting the failed gate…
          </button>
        ) : null}
        <button type="button" className="danger" onClick={() => setConfirm('abort')} disabled={r.state === 'completed' || r.state === 'aborted' || action.isPending}>
          Abort…
        </button>
      </div>
      {action.isError ? <ErrorPanel error={action.error} title="The action failed" /> : null}
      <WaveTimeline waves={s.waves} current={r.currentWave} />
      <TargetGrid targets={s.targets} />
      <Canary s={s} />
      {confirm === 'abort' ? (
        <ConfirmDialog
          title="Abort this rollout?"
          confirmLabel="Abort the rollout"
          cancelLabel="Keep it"
          danger
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            act('abort');
          }}
        >
          <p>
            The {(r.counts.pending ?? 0) + (r.counts.queued ?? 0)} target(s) not started are skipped; targets already applied keep their migrations (each target&apos;s tracking schema says what is there). An aborted rollout cannot be resumed: start a new one.
          </p>
        </ConfirmDialog>
      ) : null}
      {confirm === 'override' ? (
        <ConfirmDialog
          title="Accept the failed gate?"
          confirmLabel="Resume past the gate"
          onCancel={() => setConfirm(null)}
          onConfirm={() => {
            setConfirm(null);
            act('resume', true);
          }}
        >
          <p>The next wave starts although the gate after wave {r.currentWave + 1} failed. The override is recorded in the wave.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function StartRollout({ dir, env }: { dir: string; env: FleetEnvironment }) {
  const start = useStartRollout();
  const [open, setOpen] = useState(false);
  const [workers, setWorkers] = useState(true);
  const n = env.targets?.length ?? 0;
  return (
    <>
      <button type="button" className="primary" onClick={() => setOpen(true)} disabled={n === 0 || start.isPending} data-testid="fleet-start">
        Start a rollout to {env.name}…
      </button>
      {start.isError ? <ErrorPanel error={start.error} title="Cannot start the rollout" /> : null}
      {open ? (
        <ConfirmDialog
          title={`Start a rollout to ${env.name}?`}
          confirmLabel="Start"
          onCancel={() => setOpen(false)}
          onConfirm={() => {
            setOpen(false);
            start.mutate({ dir, env: env.name, ...(workers ? { workers: 4 } : {}) });
          }}
        >
          <p>
            The pending migrations go to {n} target{n === 1 ? '' : 's'} in waves: {env.waves.map((w) => `${w.name} (${w.size})`).join(' → ')}. The rollout stops after {env.errorBudget} failed target{env.errorBudget === 1 ? '' : 's'}.
          </p>
          <label className="inline-field">
            <input type="checkbox" checked={workers} onChange={(e) => setWorkers(e.target.checked)} /> Run 4 worker slots in this app (otherwise start <code>confiture worker</code> processes)
          </label>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

export function FleetScreen() {
  const { projectDir } = useUi();
  const overview = useFleetOverview(projectDir);
  const [envName, setEnvName] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const data = overview.data;
  const env = data?.environments.find((e) => e.name === envName) ?? data?.environments[0] ?? null;
  const rollouts = useMemo(() => (data && env ? data.rollouts.filter((r) => r.env === env.name) : []), [data, env]);
  // follow the newest rollout of the environment unless the user picked one
  useEffect(() => {
    if (rollouts.length && (!selected || !rollouts.some((r) => r.id === selected))) setSelected(rollouts[0]!.id);
  }, [rollouts, selected]);

  return (
    <section className="screen fleet-screen" aria-labelledby="fleet-title">
      <header className="screen-header">
        <h2 id="fleet-title">Fleet rollouts</h2>
        <p className="screen-sub">The project&apos;s migrations on every target of an environment, in waves with gates — the same rollouts as <code>confiture rollout</code>.</p>
      </header>
      {overview.isLoading ? (
        <Loading label="Reading the environments and the control database…" />
      ) : overview.isError ? (
        <ErrorPanel error={overview.error} title="Cannot read the fleet" onRetry={() => void overview.refetch()} />
      ) : !data ? null : data.environments.length === 0 ? (
        <NoTargets />
      ) : data.controlError ? (
        <ErrorPanel error={data.controlError} title={`Cannot reach the control database (${data.control})`} onRetry={() => void overview.refetch()} />
      ) : (
        <>
          <div className="toolbar fleet-toolbar">
            <label className="inline-field" htmlFor="fleet-env">
              Environment
              <select id="fleet-env" value={env?.name ?? ''} onChange={(e) => setEnvName(e.target.value)}>
                {data.environments.map((e) => (
                  <option key={e.name} value={e.name}>
                    {e.name} ({e.targets?.length ?? '?'} targets)
                  </option>
                ))}
              </select>
            </label>
            {env ? <StartRollout dir={projectDir!} env={env} /> : null}
            <button type="button" className="chip" onClick={() => void overview.refetch()} disabled={overview.isFetching}>
              ↻ Refresh
            </button>
            <span className="muted small" data-testid="fleet-control-line">
              control: <code>{data.control}</code>
              {data.appWorkers ? ` · ${data.appWorkers} worker slot${data.appWorkers === 1 ? '' : 's'} in this app` : ' · no worker slots in this app'}
            </span>
            {data.appWorkers ? <StopWorkers dir={projectDir!} /> : null}
          </div>
          {env ? <TargetsOfEnv env={env} open={rollouts.length === 0} /> : null}
          {rollouts.length === 0 ? (
            <Empty title={`No rollout to ${env?.name ?? 'this environment'} yet`}>
              Start one with the button above, or from a terminal: <code>confiture rollout start --env {env?.name} --workers 4</code> (and watch it here).
            </Empty>
          ) : (
            <div className="fleet-layout">
              <div>
                <h3>Rollouts</h3>
                <RolloutList rollouts={rollouts} selected={selected} onSelect={setSelected} />
              </div>
              {selected ? <RolloutView key={selected} dir={projectDir!} id={selected} /> : null}
            </div>
          )}
        </>
      )}
    </section>
  );
}
