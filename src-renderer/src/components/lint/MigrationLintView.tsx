import { useMemo } from 'react';
import CodeMirror, { Decoration, EditorView, RangeSetBuilder, WidgetType, type Extension } from '@uiw/react-codemirror';
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
  '.cm-finding': { fontFamily: 'system-ui, sans-serif', fontSize: '12px', padding: '2px 8px 3px 10px', margin: '1px 0 3px', borderLeft: '3px solid', whiteSpace: 'normal' },
  '.cm-finding-info': { borderColor: '#175cd3', backgroundColor: '#eef4ff', color: '#1d3f7a' },
  '.cm-finding-warning': { borderColor: '#9a6700', backgroundColor: '#fff8e6', color: '#5c3d00' },
  '.cm-finding-error': { borderColor: '#b42318', backgroundColor: '#fff1f0', color: '#7a1a12' },
  '.cm-finding-critical': { borderColor: '#7a0e0e', backgroundColor: '#fde7e5', color: '#5a0a0a' },
  '.cm-finding code': { fontWeight: 600 },
});

/** A finding shown under its line, in the editor itself. */
class FindingWidget extends WidgetType {
  constructor(readonly f: Finding) {
    super();
  }
  override eq(other: FindingWidget): boolean {
    return other.f === this.f;
  }
  override toDOM(): HTMLElement {
    const el = document.createElement('div');
    el.className = `cm-finding cm-finding-${this.f.severity}`;
    el.setAttribute('role', 'note');
    el.dataset.rule = this.f.rule;
    const rule = document.createElement('code');
    rule.textContent = this.f.rule;
    el.append(`${this.f.severity} · `, rule, ` — ${this.f.message}`);
    return el;
  }
}

/** Marks each line that has an unsuppressed finding, coloured by its worst severity; the title lists the findings. */
function findingLines(findings: Finding[]): Extension {
  return EditorView.decorations.compute([], (state) => {
    const worst = new Map<number, Finding[]>();
    for (const f of findings) if (!f.suppressed && f.line <= state.doc.lines) worst.set(f.line, [...(worst.get(f.line) ?? []), f]);
    const b = new RangeSetBuilder<Decoration>();
    for (const line of [...worst.keys()].sort((a, c) => a - c)) {
      const fs = worst.get(line)!;
      const sev = fs.reduce<Severity>((s, f) => (RANK[f.severity] > RANK[s] ? f.severity : s), 'info');
      const l = state.doc.line(line);
      b.add(l.from, l.from, Decoration.line({ class: LINE_CLASS[sev], attributes: { title: fs.map((f) => `[${f.rule}] ${f.message}`).join('\n') } }));
      for (const f of fs) b.add(l.to, l.to, Decoration.widget({ widget: new FindingWidget(f), block: true, side: 1 }));
    }
    return b.finish();
  });
}

/** Migration detail: the SQL read-only with syntax highlighting, findings inline at their lines, and the findings list. */
export function MigrationLintView({ dir, version, connectionId }: { dir: string; version: string; connectionId: string | null }) {
  const source = useMigrationSource(dir, version);
  const lint = useLintRun(dir, version, connectionId);
  const findings = useMemo(() => lint.data?.files[0]?.findings ?? [], [lint.data]);
  const extensions = useMemo(
    // the text box itself carries the name (axe: aria-input-field-name), read-only as it is
    () => [sql({ dialect: PostgreSQL }), EditorView.editable.of(false), EditorView.contentAttributes.of({ 'aria-label': `SQL of migration ${version}`, 'aria-readonly': 'true' }), EditorView.lineWrapping, theme, findingLines(findings)],
    [findings, version],
  );

  if (source.isLoading) return <Loading label="Loading migration…" />;
  if (source.error) return <ErrorPanel error={source.error} onRetry={() => void source.refetch()} />;
  return (
    <div className="migration-lint">
      <CodeMirror value={source.data?.sql ?? ''} readOnly editable={false} extensions={extensions} basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }} />
      {source.data?.truncated ? <p className="muted">Showing the first part of a large file.</p> : null}
      {lint.isLoading ? <Loading label="Linting…" /> : lint.error ? <ErrorPanel error={lint.error} title="Lint failed" onRetry={() => void lint.refetch()} /> : null}
      {lint.data ? (
        findings.length === 0 ? (
          <p className="ok small lint-clean">No lint finding in this migration.</p>
        ) : (
          <table className="grid compact lint-findings" aria-label="Lint findings">
            <thead>
              <tr>
                <th scope="col" className="num">Line</th>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
              </tr>
            </thead>
            <tbody>
              {findings.map((f, i) => (
                <tr key={i} className={f.suppressed ? 'muted' : undefined} data-testid={`finding-${f.rule}`}>
                  <td className="num">{f.line}</td>
                  <td>{f.suppressed ? <span className="small">suppressed: {f.suppressed.reason}</span> : <SeverityBadge severity={f.severity} />}</td>
                  <td>
                    <code className="lint-rule">{f.rule}</code>
                    <div>{f.message}</div>
                    <div className="small ok">Instead: {f.help}</div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      ) : null}
    </div>
  );
}
