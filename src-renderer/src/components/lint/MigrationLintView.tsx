import { useMemo } from 'react';
import CodeMirror, { Decoration, EditorView, RangeSetBuilder, type Extension } from '@uiw/react-codemirror';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import type { Finding, Severity } from '../../../../src-shared/domain/lint';
import { useMigrationSource } from '../../api/app';
import { useLintRun } from '../../api/lint';
import { SeverityBadge } from '../../screens/RulesScreen';
import { ErrorPanel, Loading } from '../StateViews';

const LINE_CLASS: Record<Severity, string> = { info: 'cm-lint-info', warning: 'cm-lint-warning', error: 'cm-lint-error', critical: 'cm-lint-critical' };
const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

const theme = EditorView.baseTheme({
  '.cm-lint-info': { backgroundColor: 'rgba(23, 92, 211, 0.08)' },
  '.cm-lint-warning': { backgroundColor: 'rgba(154, 103, 0, 0.12)' },
  '.cm-lint-error': { backgroundColor: 'rgba(180, 35, 24, 0.12)' },
  '.cm-lint-critical': { backgroundColor: 'rgba(122, 14, 14, 0.2)' },
});

/** Marks each line that has an unsuppressed finding, coloured by its worst severity; the title lists the findings. */
function findingLines(findings: Finding[]): Extension {
  return EditorView.decorations.compute([], (state) => {
    const worst = new Map<number, Finding[]>();
    for (const f of findings) if (!f.suppressed && f.line <= state.doc.lines) worst.set(f.line, [...(worst.get(f.line) ?? []), f]);
    const b = new RangeSetBuilder<Decoration>();
    for (const line of [...worst.keys()].sort((a, c) => a - c)) {
      const fs = worst.get(line)!;
      const sev = fs.reduce<Severity>((s, f) => (RANK[f.severity] > RANK[s] ? f.severity : s), 'info');
      b.add(state.doc.line(line).from, state.doc.line(line).from, Decoration.line({ class: LINE_CLASS[sev], attributes: { title: fs.map((f) => `[${f.rule}] ${f.message}`).join('\n') } }));
    }
    return b.finish();
  });
}

/** Migration detail: the SQL read-only with syntax highlighting, findings inline at their lines, and the findings list. */
export function MigrationLintView({ dir, version, connectionId }: { dir: string; version: string; connectionId: string | null }) {
  const source = useMigrationSource(dir, version);
  const lint = useLintRun(dir, version, connectionId);
  const findings = useMemo(() => lint.data?.files[0]?.findings ?? [], [lint.data]);
  const extensions = useMemo(() => [sql({ dialect: PostgreSQL }), EditorView.editable.of(false), theme, findingLines(findings)], [findings]);

  if (source.isLoading) return <Loading label="Loading migration…" />;
  if (source.error) return <ErrorPanel error={source.error} onRetry={() => void source.refetch()} />;
  return (
    <div className="migration-lint">
      <CodeMirror value={source.data?.sql ?? ''} readOnly editable={false} extensions={extensions} basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }} aria-label={`SQL of migration ${version}`} />
      {source.data?.truncated ? <p className="muted">Showing the first part of a large file.</p> : null}
      {lint.isLoading ? <Loading label="Linting…" /> : lint.error ? <ErrorPanel error={lint.error} title="Lint failed" onRetry={() => void lint.refetch()} /> : null}
      {lint.data ? (
        <table aria-label="Lint findings">
          <thead>
            <tr>
              <th>line</th>
              <th>severity</th>
              <th>rule</th>
              <th>finding</th>
            </tr>
          </thead>
          <tbody>
            {findings.length === 0 ? (
              <tr>
                <td colSpan={4}>No findings.</td>
              </tr>
            ) : (
              findings.map((f, i) => (
                <tr key={i} className={f.suppressed ? 'muted' : undefined}>
                  <td>{f.line}</td>
                  <td>{f.suppressed ? `suppressed (${f.suppressed.reason})` : <SeverityBadge severity={f.severity} />}</td>
                  <td>
                    <code>{f.rule}</code>
                  </td>
                  <td>
                    {f.message}
                    <br />
                    <small>Instead: {f.help}</small>
                  </td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
