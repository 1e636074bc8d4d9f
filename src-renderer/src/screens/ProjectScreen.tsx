import { useState, type FormEvent } from 'react';
import { useAppInfo, useProject } from '../api/app';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

export function ProjectScreen() {
  const { projectDir, setProject, setScreen } = useUi();
  const info = useAppInfo();
  const project = useProject(projectDir);
  const [dir, setDir] = useState(projectDir ?? '');

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (dir.trim()) setProject(dir.trim());
  };

  return (
    <section className="screen" aria-labelledby="project-title">
      <header className="screen-header">
        <h2 id="project-title">Project</h2>
        <p className="screen-sub">A folder with confiture.yaml and migrations/ (&lt;version&gt;_&lt;name&gt;.up.sql, optional .down.sql).</p>
      </header>
      <form className="row" onSubmit={submit} aria-label="Open a project folder">
        <label htmlFor="project-dir" className="sr-only">
          Project folder
        </label>
        <input id="project-dir" value={dir} onChange={(e) => setDir(e.target.value)} placeholder="/path/to/project" spellCheck={false} data-testid="project-dir" />
        <button type="submit" className="primary" disabled={!dir.trim()}>
          Open
        </button>
        {info.data ? (
          <button
            type="button"
            onClick={() => {
              setDir(info.data.demoProjectDir);
              setProject(info.data.demoProjectDir);
            }}
          >
            Open the demo project
          </button>
        ) : null}
      </form>

      {!projectDir ? (
        <Empty title="No project open">Type the path of a project folder, or open the demo shop project.</Empty>
      ) : project.isLoading ? (
        <Loading label="Reading migrations…" />
      ) : project.isError ? (
        <ErrorPanel error={project.error} title="This project cannot be opened" onRetry={() => void project.refetch()} />
      ) : project.data ? (
        <div className="panel">
          <dl className="facts">
            <dt>Name</dt>
            <dd>{project.data.name}</dd>
            <dt>Folder</dt>
            <dd>
              <code>{project.data.dir}</code>
            </dd>
            <dt>Migrations</dt>
            <dd>{project.data.migrations.length}</dd>
            <dt>Tracking schema</dt>
            <dd>
              <code>{project.data.trackingSchema}</code>
            </dd>
          </dl>
          {project.data.problems.length > 0 ? (
            <div className="problems" role="region" aria-label="Problems">
              <h3>
                {project.data.problems.length} problem{project.data.problems.length > 1 ? 's' : ''}
              </h3>
              <ul>
                {project.data.problems.map((p, i) => (
                  <li key={i} className={`problem problem-${p.severity}`}>
                    <strong>{p.severity}</strong> {p.message}
                    {p.file ? <span className="muted small"> — {p.file}</span> : null}
                  </li>
                ))}
              </ul>
            </div>
          ) : (
            <p className="ok">No problems found in the migrations folder.</p>
          )}
          <button type="button" className="primary" onClick={() => setScreen('migrations')}>
            Show migrations
          </button>
        </div>
      ) : null}
    </section>
  );
}
