import { useMemo, useState, type KeyboardEvent } from 'react';
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
    <div className="rule-detail" aria-label={`Rule ${rule.id}`}>
      <h3>
        <code>{rule.id}</code> <span className="muted small">v{rule.version}</span> <SeverityBadge severity={rule.severity} />
      </h3>
      {rule.deprecated ? (
        <p className="warning" role="note">
          Deprecated since {rule.deprecated.since}: use {rule.deprecated.replacement.join(' and ')}.
        </p>
      ) : null}
      <p>
        <strong>{rule.summary}</strong>
      </p>
      <p>{rule.rationale}</p>
      <p className="rule-instead">
        <strong>Instead:</strong> {rule.safeAlternative}
      </p>
      <dl className="facts compact-facts">
        <dt>Libraries</dt>
        <dd>{rule.libraries.length ? rule.libraries.map((l) => <span key={l} className="badge badge-none">{l}</span>) : 'none (enable with lint.overrides)'}</dd>
        {eq.length ? (
          <>
            <dt>Equivalents</dt>
            <dd>{eq.map(([k, v]) => `${k}: ${v!.join(', ')}`).join(' · ')}</dd>
          </>
        ) : null}
        <dt>Severity</dt>
        <dd>{rule.sizeSensitive ? 'follows table size when a catalog is available' : 'fixed'}</dd>
        <dt>DO blocks</dt>
        <dd>{rule.doBlocks ? 'also reads the statements inside DO blocks' : 'top-level statements only'}</dd>
      </dl>
    </div>
  );
}

/** Where the effective setting came from, one line per step; the last step of each setting wins. */
function Trail({ rule }: { rule: EffectiveRule }) {
  return (
    <ol className="trail plain">
      {rule.trail.map((t, i) => (
        <li key={i} className={t.setting === 'conflict' ? 'warning' : undefined}>
          <code>{t.setting}</code> {t.value} <span className="muted">← {t.source.label}</span>
        </li>
      ))}
    </ol>
  );
}

type Tab = 'config' | 'rules' | 'libraries';
const TABS: Tab[] = ['config', 'rules', 'libraries'];

/** Browse libraries, rules and versions, and the project's effective composed configuration. */
export function RulesScreen() {
  const projectDir = useUi((s) => s.projectDir);
  const rules = useLintRules();
  const config = useLintConfig(projectDir);
  const [tab, setTab] = useState<Tab>('config');
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const f = filter.trim().toLowerCase();
  const shown = useMemo(() => (rules.data?.rules ?? []).filter((r) => !f || r.id.includes(f) || r.summary.toLowerCase().includes(f)), [rules.data, f]);
  const shownConfig = useMemo(() => (config.data?.rules ?? []).filter((r) => !f || r.id.includes(f)), [config.data, f]);

  if (rules.isLoading) return <Loading label="Loading rules…" />;
  if (rules.error) return <ErrorPanel error={rules.error} title="Cannot list the lint rules" onRetry={() => void rules.refetch()} />;
  const byId = new Map((rules.data?.rules ?? []).map((r) => [r.id, r]));
  const current = selected ? byId.get(selected) : undefined;

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    e.preventDefault();
    const next = TABS[(TABS.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]!;
    setTab(next);
    document.getElementById(`rules-tab-${next}`)?.focus();
  };
  const onRuleKey = (e: KeyboardEvent<HTMLTableRowElement>, i: number) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      setSelected(shown[i]!.id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = shown[Math.min(Math.max(i + (e.key === 'ArrowDown' ? 1 : -1), 0), shown.length - 1)];
      if (next) {
        setSelected(next.id);
        document.getElementById(`rule-${next.id}`)?.focus();
      }
    }
  };

  return (
    <section className="screen rules-screen" aria-labelledby="rules-title">
      <header className="screen-header">
        <h2 id="rules-title">Lint rules</h2>
        <p className="screen-sub">
          {rules.data?.rules.length ?? 0} rules in {rules.data?.libraries.length ?? 0} library versions. The effective configuration is what <code>confiture lint</code> applies to this project.
        </p>
      </header>
      <div className="toolbar rules-toolbar">
        <div role="tablist" aria-label="Lint views" className="tabs" onKeyDown={onTabKey}>
          {TABS.map((t) => (
            <button
              key={t}
              id={`rules-tab-${t}`}
              type="button"
              role="tab"
              aria-selected={tab === t}
              aria-controls="rules-panel"
              tabIndex={tab === t ? 0 : -1}
              className={tab === t ? 'chip active' : 'chip'}
              onClick={() => setTab(t)}
            >
              {t === 'config' ? 'Effective configuration' : t === 'rules' ? `Rules (${rules.data?.rules.length ?? 0})` : `Libraries (${rules.data?.libraries.length ?? 0})`}
            </button>
          ))}
        </div>
        {tab !== 'libraries' ? <input type="search" aria-label="Filter rules" placeholder="Filter rules…" value={filter} onChange={(e) => setFilter(e.target.value)} /> : null}
      </div>

      <div id="rules-panel" role="tabpanel" aria-labelledby={`rules-tab-${tab}`}>
        {tab === 'config' ? (
          !projectDir ? (
            <Empty title="No project open">Open a project to see its composed lint configuration.</Empty>
          ) : config.isLoading ? (
            <Loading label="Composing configuration…" />
          ) : config.error ? (
            <ErrorPanel error={config.error} title="The lint section of confiture.yaml is invalid" onRetry={() => void config.refetch()} />
          ) : config.data ? (
            <div className="rules-config">
              <div className="panel rules-summary">
                <dl className="facts">
                  <dt>Libraries</dt>
                  <dd>
                    <ul className="plain" aria-label="Libraries in use">
                      {config.data.libraries.map((l) => (
                        <li key={l.name}>
                          <code>
                            {l.name}@{l.resolved}
                          </code>{' '}
                          <span className="muted small">
                            requested {l.requested} · {l.source.label}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </dd>
                  <dt>Fails on</dt>
                  <dd>
                    <SeverityBadge severity={config.data.failOn} /> <span className="muted small">and above</span>
                  </dd>
                  <dt>Conflicts</dt>
                  <dd>{config.data.conflictPolicy}</dd>
                  <dt>PostgreSQL</dt>
                  <dd>
                    {config.data.pgVersion} <span className="muted small">({config.data.pgVersionSource.label})</span>
                  </dd>
                  <dt>Rules</dt>
                  <dd>
                    {config.data.rules.filter((r) => r.enabled).length} enabled, {config.data.rules.filter((r) => !r.enabled).length} disabled
                  </dd>
                </dl>
                {config.data.warnings.map((w) => (
                  <p key={w} className="warning" role="alert">
                    {w}
                  </p>
                ))}
              </div>
              {shownConfig.length === 0 ? (
                <Empty title="No rule matches the filter" />
              ) : (
                <table className="grid compact rules-config-table" aria-label="Effective rules">
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">Version</th>
                      <th scope="col">Effective</th>
                      <th scope="col">Where each setting came from</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shownConfig.map((r) => (
                      <tr key={r.id} className={r.enabled ? undefined : 'muted'}>
                        <td>
                          <code>{r.id}</code>
                        </td>
                        <td>{r.version}</td>
                        <td>{r.enabled ? <SeverityBadge severity={r.severity} /> : <span className="badge badge-none">disabled</span>}</td>
                        <td>
                          <Trail rule={r} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ) : null
        ) : null}

        {tab === 'rules' ? (
          <div className="split">
            <div className="split-main">
              {shown.length === 0 ? (
                <Empty title="No rule matches the filter" />
              ) : (
                <table className="grid compact rules-table" aria-label="Rules">
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">Default</th>
                      <th scope="col">What it catches</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((r, i) => (
                      <tr
                        key={r.id}
                        id={`rule-${r.id}`}
                        tabIndex={0}
                        aria-selected={selected === r.id}
                        className={selected === r.id ? 'selected' : undefined}
                        onClick={() => setSelected(r.id)}
                        onKeyDown={(e) => onRuleKey(e, i)}
                      >
                        <td>
                          <code>{r.id}</code>
                          {r.deprecated ? <span className="muted small"> (deprecated)</span> : null}
                        </td>
                        <td>
                          <SeverityBadge severity={r.severity} />
                        </td>
                        <td className="small">{r.summary}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
            <aside className="split-side" aria-label="Rule detail">
              {current ? <RuleDetail rule={current} /> : <Empty title="Select a rule">Its rationale, safe alternative, libraries and equivalents appear here. Arrow keys move, Enter selects.</Empty>}
            </aside>
          </div>
        ) : null}

        {tab === 'libraries' ? (
          <div className="rules-libraries">
            {(rules.data?.libraries ?? []).map((l) => (
              <details key={`${l.name}@${l.version}`} className="panel library">
                <summary>
                  <code>
                    {l.name}@{l.version}
                  </code>{' '}
                  {l.regulation ? <span className="badge badge-changed">compliance</span> : null} {l.description} <span className="muted small">({l.rules.length} rules)</span>
                </summary>
                {l.regulation ? <p className="muted small">Regulation: {l.regulation}. These checks support an audit; they do not replace one.</p> : null}
                <table className="grid compact" aria-label={`Rules of ${l.name}@${l.version}`}>
                  <thead>
                    <tr>
                      <th scope="col">Rule</th>
                      <th scope="col">Severity</th>
                      {l.regulation ? <th scope="col">Clause</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {l.rules.map((r) => (
                      <tr key={r.id}>
                        <td>
                          <code>{r.id}</code>
                        </td>
                        <td>
                          <SeverityBadge severity={r.severity} />
                        </td>
                        {l.regulation ? <td className="small">{l.clauses[r.id] ?? ''}</td> : null}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            ))}
          </div>
        ) : null}
      </div>
    </section>
  );
}
