import { useMemo, useState } from 'react';
import type { EffectiveRule, RuleInfo, Severity } from '../../../src-shared/domain/lint';
import { useLintConfig, useLintRules } from '../api/lint';
import { Empty, ErrorPanel, Loading } from '../components/StateViews';
import { useUi } from '../state/ui';

const SEVERITY_COLOUR: Record<Severity, string> = { info: '#175cd3', warning: '#9a6700', error: '#b42318', critical: '#7a0e0e' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className="badge" style={{ color: SEVERITY_COLOUR[severity], borderColor: SEVERITY_COLOUR[severity] }}>
      {severity}
    </span>
  );
}

function RuleDetail({ rule }: { rule: RuleInfo }) {
  const eq = Object.entries(rule.equivalents).filter(([, v]) => v && v.length);
  return (
    <div className="panel">
      <h3>
        {rule.id} <small>v{rule.version}</small> <SeverityBadge severity={rule.severity} />
      </h3>
      {rule.deprecated ? <p role="alert">Deprecated since {rule.deprecated.since}: use {rule.deprecated.replacement.join(' and ')}.</p> : null}
      <p>
        <strong>{rule.summary}</strong>
      </p>
      <p>{rule.rationale}</p>
      <p>
        <strong>Instead:</strong> {rule.safeAlternative}
      </p>
      <p>Libraries: {rule.libraries.join(', ') || 'none (enable with lint.overrides)'}</p>
      {eq.length ? <p>Equivalents: {eq.map(([k, v]) => `${k}: ${v!.join(', ')}`).join(' · ')}</p> : null}
      {rule.sizeSensitive ? <p>Severity follows table size when a catalog is available.</p> : null}
    </div>
  );
}

function Trail({ rule }: { rule: EffectiveRule }) {
  return (
    <ol className="trail">
      {rule.trail.map((t, i) => (
        <li key={i}>
          <code>{t.setting}</code> {t.value} <span className="muted">← {t.source.label}</span>
        </li>
      ))}
    </ol>
  );
}

/** Browse libraries, rules and versions, and the project's effective composed configuration. */
export function RulesScreen() {
  const projectDir = useUi((s) => s.projectDir);
  const rules = useLintRules();
  const config = useLintConfig(projectDir);
  const [tab, setTab] = useState<'config' | 'rules' | 'libraries'>('config');
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const shown = useMemo(() => (rules.data?.rules ?? []).filter((r) => !filter || r.id.includes(filter) || r.summary.toLowerCase().includes(filter.toLowerCase())), [rules.data, filter]);

  if (rules.isLoading) return <Loading label="Loading rules…" />;
  if (rules.error) return <ErrorPanel error={rules.error} onRetry={() => void rules.refetch()} />;
  const byId = new Map((rules.data?.rules ?? []).map((r) => [r.id, r]));

  return (
    <section className="screen" aria-label="Lint rules">
      <div role="tablist">
        {(['config', 'rules', 'libraries'] as const).map((t) => (
          <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)}>
            {t === 'config' ? 'Effective configuration' : t === 'rules' ? `Rules (${rules.data?.rules.length ?? 0})` : 'Libraries'}
          </button>
        ))}
      </div>

      {tab === 'config' ? (
        !projectDir ? (
          <Empty title="No project open">Open a project to see its composed lint configuration.</Empty>
        ) : config.isLoading ? (
          <Loading label="Composing configuration…" />
        ) : config.error ? (
          <ErrorPanel error={config.error} title="confiture.yaml lint section" onRetry={() => void config.refetch()} />
        ) : config.data ? (
          <div>
            <p>
              Conflict policy <strong>{config.data.conflictPolicy}</strong> · fail on <strong>{config.data.failOn}</strong> · PostgreSQL {config.data.pgVersion} ({config.data.pgVersionSource.label})
            </p>
            <ul>
              {config.data.libraries.map((l) => (
                <li key={l.name}>
                  {l.name}@{l.resolved} (requested {l.requested}) — {l.source.label}
                </li>
              ))}
            </ul>
            {config.data.warnings.map((w) => (
              <p key={w} role="alert">
                {w}
              </p>
            ))}
            <table>
              <thead>
                <tr>
                  <th>rule</th>
                  <th>version</th>
                  <th>effective</th>
                  <th>where each setting came from</th>
                </tr>
              </thead>
              <tbody>
                {config.data.rules.map((r) => (
                  <tr key={r.id}>
                    <td>{r.id}</td>
                    <td>{r.version}</td>
                    <td>{r.enabled ? <SeverityBadge severity={r.severity} /> : 'disabled'}</td>
                    <td>
                      <Trail rule={r} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null
      ) : null}

      {tab === 'rules' ? (
        <div className="split">
          <div>
            <input aria-label="Filter rules" placeholder="filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
            <ul className="list">
              {shown.map((r) => (
                <li key={r.id}>
                  <button aria-pressed={selected === r.id} onClick={() => setSelected(r.id)}>
                    {r.id} <SeverityBadge severity={r.severity} />
                  </button>
                </li>
              ))}
            </ul>
          </div>
          {selected && byId.get(selected) ? <RuleDetail rule={byId.get(selected)!} /> : <Empty title="Select a rule">Its rationale, safe alternative, libraries and equivalents appear here.</Empty>}
        </div>
      ) : null}

      {tab === 'libraries' ? (
        <div>
          {(rules.data?.libraries ?? []).map((l) => (
            <details key={`${l.name}@${l.version}`}>
              <summary>
                {l.name}@{l.version} — {l.description} ({l.rules.length} rules)
              </summary>
              {l.regulation ? <p>Regulation: {l.regulation}. These checks support an audit; they do not replace one.</p> : null}
              <table>
                <tbody>
                  {l.rules.map((r) => (
                    <tr key={r.id}>
                      <td>{r.id}</td>
                      <td>
                        <SeverityBadge severity={r.severity} />
                      </td>
                      <td>{l.clauses[r.id] ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          ))}
        </div>
      ) : null}
    </section>
  );
}
