import { useMemo, useRef, useState } from 'react';
import type { MigrationState, MigrationStatus, PartialInfo } from '../../../src-shared/domain/project';
import { useMigrationSource, useProject, useProjectStatus } from '../api/app';
import { StateBadge } from '../components/StateBadge';
import { MigrationLintView } from '../components/lint/MigrationLintView';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { VirtualRows } from '../components/desk/VirtualRows';
import { AppliedEditWarning, MigrationEditor, ReviewStrip } from '../components/desk/MigrationEditor';
import { useUi } from '../state/ui';
import { blockedOthersText } from '../../../src-shared/format';

const FILTERS: (MigrationState | 'all')[] = ['all', 'pending', 'partial', 'applied', 'changed', 'missing'];

function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

function MigrationSourcePanel({ dir, version, connectionId, migration }: { dir: string; version: string; connectionId: string | null; migration: MigrationStatus | undefined }) {
  const source = useMigrationSource(dir, version);
  const [mode, setMode] = useState<'view' | 'confirm' | 'edit'>('view');
  const [saved, setSaved] = useState(false);
  if (source.isLoading) return <Loading label="Reading the file…" />;
  if (source.isError) return <ErrorPanel error={source.error} />;
  if (!source.data) return null;
  const state = migration?.state;
  const applied = state === 'applied' || state === 'changed' || state === 'partial';
  const editable = !source.data.truncated && source.data.checksum !== undefined;
  return (
    <div className="source">
      <p className="muted small">
        <code>{source.data.path}</code> · {(source.data.sizeBytes / 1024).toFixed(1)} KiB
      </p>
      <ReviewStrip dir={dir} version={version} connectionId={connectionId} checksum={source.data.checksum} state={state} />
      {migration?.blockedOthers ? (
        <p className="warning small" data-testid="migration-blocked-others">
          When it was applied{migration.appliedAt ? ` (${shortDate(migration.appliedAt)})` : ''}, its locks {blockedOthersText(migration.blockedOthers)}.
        </p>
      ) : null}
      {source.data.truncated ? (
        <p className="warning">This file is large: only its beginning is shown. The engine always reads the whole file.</p>
      ) : null}
      {mode === 'view' ? (
        <div className="toolbar editor-actions">
          <button
            type="button"
            onClick={() => {
              setSaved(false);
              setMode(applied ? 'confirm' : 'edit');
            }}
            disabled={!editable}
            title={editable ? `Edit ${source.data.path}` : 'Too large to edit here: edit it outside the desk'}
            data-testid="edit-sql"
          >
            ✎ Edit SQL
          </button>
          {saved ? (
            <span className="ok small" role="status" data-testid="editor-saved">
              Saved · lint and risk ran again on the new text
            </span>
          ) : null}
        </div>
      ) : null}
      {mode === 'confirm' && state ? <AppliedEditWarning version={version} state={state} onConfirm={() => setMode('edit')} onCancel={() => setMode('view')} /> : null}
      {mode === 'edit' ? (
        <MigrationEditor
          dir={dir}
          version={version}
          connectionId={connectionId}
          initial={source.data.sql}
          checksum={source.data.checksum!}
          state={state}
          onClose={(didSave) => {
            setSaved(didSave);
            setMode('view');
          }}
        />
      ) : (
        <MigrationLintView dir={dir} version={version} connectionId={connectionId} />
      )}
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

const HOW: Record<PartialInfo['statement']['outcome'], string> = {
  running: 'was running when the run stopped (process killed or connection lost). The next run waits for the server to finish it, checks the catalog for its effect, and resumes after it or runs it again',
  failure: 'failed. The next run starts with it',
  cancelled: 'was cancelled. The next run starts with it',
  next: 'is the next to run. The next run resumes there',
};

function partialSummary(p: PartialInfo): string {
  return `${p.applied}${p.total !== null ? ` of ${p.total}` : ''} statements applied; statement ${p.statement.index + 1}${p.statement.line !== null ? ` (line ${p.statement.line})` : ''} ${p.statement.outcome === 'running' ? 'in flight when the run stopped' : p.statement.outcome === 'next' ? 'next' : p.statement.outcome}`;
}

/** Where a run stopped part-way through a migration run outside a transaction. */
function PartialPanel({ migration }: { migration: MigrationStatus | undefined }) {
  const p = migration?.partial;
  if (!p) return null;
  const st = p.statement;
  return (
    <div className="partial-panel" role="status" data-testid="partial-panel">
      <p>
        <strong>Partly applied.</strong> {p.applied}
        {p.total !== null ? ` of ${p.total}` : ''} statements of this migration ran outside a transaction and are applied. Statement {st.index + 1}
        {st.line !== null ? ` (line ${st.line}${st.kind ? `, ${st.kind}` : ''})` : ''} {HOW[st.outcome]}.
      </p>
      {st.sql ? <pre className="partial-sql">{st.sql.length > 400 ? `${st.sql.slice(0, 400)}…` : st.sql}</pre> : null}
      {st.error ? <p className="muted small">Error: {st.error}</p> : null}
    </div>
  );
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

  const scrollRef = useRef<HTMLDivElement>(null);
  const activeIndex = rows.findIndex((r) => r.version === selectedVersion);

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
          <div className="vscroll" ref={scrollRef}>
          <table className="grid mig-table" aria-label="Migrations" aria-rowcount={rows.length + 1}>
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
            <VirtualRows
              rows={rows}
              scrollRef={scrollRef}
              activeIndex={activeIndex}
              onActivate={(i) => selectVersion(rows[i]!.version)}
              rowKey={(m) => m.version}
              columns={6}
              idPrefix="mig-row-"
              rowProps={(m) => ({ className: m.version === selectedVersion ? 'selected' : '', 'aria-selected': m.version === selectedVersion, 'data-testid': 'migration-row', 'data-version': m.version })}
              cells={(m) => (
                <>
                  <td>
                    <code>{m.version}</code>
                  </td>
                  <td className="ellipsis" title={m.name}>
                    {m.name}
                  </td>
                  <td>
                    <StateBadge state={m.state} {...(m.partial ? { detail: partialSummary(m.partial) } : {})} />
                  </td>
                  <td className="muted small ellipsis" title={m.appliedAt ? `${new Date(m.appliedAt).toLocaleString()} by ${m.appliedBy ?? '?'}` : undefined}>
                    {m.appliedAt ? shortDate(m.appliedAt) : '—'}
                  </td>
                  <td className="num">
                    {m.blockedOthers ? (
                      <span className="blocked-mark" title={`Its locks ${blockedOthersText(m.blockedOthers)}`} aria-label={`blocked ${m.blockedOthers.sessions} session${m.blockedOthers.sessions === 1 ? '' : 's'}`}>
                        ⚠ {m.blockedOthers.sessions}
                      </span>
                    ) : null}
                    {formatMs(m.durationMs)}
                  </td>
                  <td>{m.hasDown ? 'yes' : <span className="muted">no</span>}</td>
                </>
              )}
            />
          </table>
          </div>
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
            <PartialPanel migration={status.data.migrations.find((m) => m.version === selectedVersion)} />
            <MigrationSourcePanel key={selectedVersion} dir={projectDir} version={selectedVersion} connectionId={connectionId} migration={status.data.migrations.find((m) => m.version === selectedVersion)} />
          </>
        ) : (
          <Empty title="Select a migration">Use the arrow keys or click a row to see its SQL.</Empty>
        )}
      </aside>
    </section>
  );
}
