import { useMemo, useState, type KeyboardEvent } from 'react';
import type { MigrationState, MigrationStatus } from '../../../src-shared/domain/project';
import { useMigrationSource, useProject, useProjectStatus } from '../api/app';
import { StateBadge } from '../components/StateBadge';
import { MigrationLintView } from '../components/lint/MigrationLintView';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

const FILTERS: (MigrationState | 'all')[] = ['all', 'pending', 'applied', 'changed', 'missing'];

function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function MigrationSourcePanel({ dir, version, connectionId }: { dir: string; version: string; connectionId: string | null }) {
  const source = useMigrationSource(dir, version);
  if (source.isLoading) return <Loading label="Reading the file…" />;
  if (source.isError) return <ErrorPanel error={source.error} />;
  if (!source.data) return null;
  return (
    <div className="source">
      <p className="muted small">
        <code>{source.data.path}</code> · {(source.data.sizeBytes / 1024).toFixed(1)} KiB
      </p>
      {source.data.truncated ? (
        <p className="warning">This file is large: only its beginning is shown. The engine always reads the whole file.</p>
      ) : null}
      <MigrationLintView dir={dir} version={version} connectionId={connectionId} />
      {source.data.downSql !== null ? (
        <details>
          <summary>Down migration</summary>
          <pre className="sql">{source.data.downSql}</pre>
        </details>
      ) : (
        <p className="muted small">No down migration: rolling back needs a new migration.</p>
      )}
    </div>
  );
}

/** `2025-11-23 22:17`: sortable, and short enough for the table; the full date and who is in the title. */
function shortDate(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function MigrationsScreen() {
  const { projectDir, connectionId, selectedVersion, selectVersion } = useUi();
  const project = useProject(projectDir);
  const status = useProjectStatus(projectDir, connectionId);
  const [filter, setFilter] = useState<MigrationState | 'all'>('all');

  const rows: MigrationStatus[] = useMemo(
    () => (status.data?.migrations ?? []).filter((m) => filter === 'all' || m.state === filter),
    [status.data, filter],
  );
  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const m of status.data?.migrations ?? []) c[m.state] = (c[m.state] ?? 0) + 1;
    return c;
  }, [status.data]);

  const onKey = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const idx = rows.findIndex((r) => r.version === selectedVersion);
    const next = rows[Math.max(0, Math.min(rows.length - 1, idx + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      selectVersion(next.version);
      document.getElementById(`mig-${next.version}`)?.focus();
    }
  };

  if (status.isLoading || project.isLoading) return <Loading label="Reading migrations and the database's history…" />;
  if (project.isError) return <ErrorPanel error={project.error} title="The project cannot be read" onRetry={() => void project.refetch()} />;
  if (status.isError) return <ErrorPanel error={status.error} title="The database cannot be read" onRetry={() => void status.refetch()} />;
  if (!status.data) return null;

  return (
    <section className="screen split" aria-labelledby="migrations-title">
      <div className="split-main">
        <header className="screen-header">
          <h2 id="migrations-title">Migrations</h2>
          <p className="screen-sub">
            {project.data?.name} on {status.data.connection}
          </p>
        </header>
        <div className="toolbar" role="toolbar" aria-label="Filter by state">
          {FILTERS.map((f) => (
            <button key={f} type="button" className={filter === f ? 'chip active' : 'chip'} aria-pressed={filter === f} onClick={() => setFilter(f)}>
              {f} {f === 'all' ? (status.data?.migrations.length ?? 0) : (counts[f] ?? 0)}
            </button>
          ))}
          <button type="button" className="chip" onClick={() => void status.refetch()} title="Read the database again">
            ↻ Refresh
          </button>
        </div>
        {status.data.migrations.length === 0 ? (
          <Empty title="No migrations yet">Add files named like 0001_create_orders.up.sql to the project's migrations folder.</Empty>
        ) : rows.length === 0 ? (
          <Empty title={`No ${filter} migrations`} />
        ) : (
          <table className="grid mig-table" aria-label="Migrations">
            <colgroup>
              <col className="mig-col-version" />
              <col />
              <col className="mig-col-state" />
              <col className="mig-col-applied" />
              <col className="mig-col-duration" />
              <col className="mig-col-down" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col">Name</th>
                <th scope="col">State</th>
                <th scope="col">Applied</th>
                <th scope="col" className="num">Duration</th>
                <th scope="col">Down</th>
              </tr>
            </thead>
            <tbody onKeyDown={onKey}>
              {rows.map((m) => (
                <tr
                  key={m.version}
                  id={`mig-${m.version}`}
                  tabIndex={0}
                  className={m.version === selectedVersion ? 'selected' : ''}
                  aria-selected={m.version === selectedVersion}
                  onClick={() => selectVersion(m.version)}
                  onKeyDown={(e) => e.key === 'Enter' && selectVersion(m.version)}
                  data-testid="migration-row"
                >
                  <td>
                    <code>{m.version}</code>
                  </td>
                  <td className="ellipsis" title={m.name}>
                    {m.name}
                  </td>
                  <td>
                    <StateBadge state={m.state} />
                  </td>
                  <td className="muted small ellipsis" title={m.appliedAt ? `${new Date(m.appliedAt).toLocaleString()} by ${m.appliedBy ?? '?'}` : undefined}>
                    {m.appliedAt ? shortDate(m.appliedAt) : '—'}
                  </td>
                  <td className="num">{formatMs(m.durationMs)}</td>
                  <td>{m.hasDown ? 'yes' : <span className="muted">no</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {!status.data.trackingSchemaExists ? (
          <p className="muted small">
            This database has no <code>{project.data?.trackingSchema}</code> schema yet: nothing was applied by Confiture. It is created by the first run.
          </p>
        ) : null}
      </div>
      <aside className="split-side" aria-label="Migration detail">
        {selectedVersion && projectDir ? (
          <>
            <h3>
              {selectedVersion} {status.data.migrations.find((m) => m.version === selectedVersion)?.name}
            </h3>
            <MigrationSourcePanel dir={projectDir} version={selectedVersion} connectionId={connectionId} />
          </>
        ) : (
          <Empty title="Select a migration">Use the arrow keys or click a row to see its SQL.</Empty>
        )}
      </aside>
    </section>
  );
}
