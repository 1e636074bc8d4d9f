import { useState, type FormEvent } from 'react';
import { useAppInfo, useConnections, useOpenConnection } from '../api/app';
import { ErrorPanel, Loading } from '../components/StateViews';
import { PsqlAccessCard } from '../components/desk/PsqlAccessCard';
import { useUi } from '../state/ui';

type TlsMode = 'disable' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export function ConnectScreen() {
  const info = useAppInfo();
  const connections = useConnections();
  const open = useOpenConnection();
  const { connectionId, setConnection } = useUi();
  const [url, setUrl] = useState('');
  const [tls, setTls] = useState<TlsMode>('prefer');

  const useEmbedded = () => open.mutate({ kind: 'embedded', database: 'confiture_demo' });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!url.trim()) return;
    open.mutate(
      { kind: 'url', url: url.trim(), tls: { mode: tls } },
      { onSuccess: () => setUrl('') },
    );
  };

  return (
    <section className="screen" aria-labelledby="connect-title">
      <header className="screen-header">
        <h2 id="connect-title">Connect to a database</h2>
        <p className="screen-sub">Confiture reads the catalog, locks and history of the database you choose. Nothing changes until you run a migration.</p>
      </header>

      <div className="cards">
        <div className="card">
          <h3>Embedded demo</h3>
          <p>A real PostgreSQL server bundled with the app, started on demand on this machine, with the demo shop project.</p>
          {info.data ? (
            <p className="small" data-testid="embedded-state">
              Server: <span className={`server-state ${info.data.embedded.state}`}>{info.data.embedded.state}</span>
              {info.data.embedded.port ? ` on 127.0.0.1:${info.data.embedded.port}` : ''}
              {info.data.embedded.state !== 'running' && info.data.embedded.error ? <span className="muted"> — {info.data.embedded.error}</span> : null}
            </p>
          ) : null}
          <button type="button" className="primary" onClick={useEmbedded} disabled={open.isPending} data-testid="use-embedded">
            {open.isPending && open.variables?.kind === 'embedded' ? 'Starting PostgreSQL…' : 'Use the embedded demo'}
          </button>
        </div>

        <form className="card" onSubmit={submit} aria-label="Connect with a connection string">
          <h3>Your server</h3>
          <label htmlFor="conn-url">Connection string</label>
          <input
            id="conn-url"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="postgres://user:password@host:5432/database"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            data-testid="conn-url"
          />
          <p className="muted small">The password stays in the engine process; it is never shown, logged or stored in the project.</p>
          <label htmlFor="conn-tls">TLS</label>
          <select id="conn-tls" value={tls} onChange={(e) => setTls(e.target.value as TlsMode)}>
            <option value="disable">disable</option>
            <option value="prefer">prefer (TLS when the server offers it)</option>
            <option value="require">require (encrypt, don't verify)</option>
            <option value="verify-ca">verify-ca</option>
            <option value="verify-full">verify-full</option>
          </select>
          <button type="submit" className="primary" disabled={open.isPending || !url.trim()} data-testid="connect-url">
            {open.isPending && open.variables?.kind === 'url' ? 'Connecting…' : 'Connect'}
          </button>
        </form>
      </div>

      {open.isError ? <ErrorPanel error={open.error} title="Could not connect" /> : null}

      <PsqlAccessCard />

      <h3 className="section-title">Open connections</h3>
      {connections.isLoading ? (
        <Loading />
      ) : connections.isError ? (
        <ErrorPanel error={connections.error} onRetry={() => void connections.refetch()} />
      ) : connections.data && connections.data.length > 0 ? (
        <ul className="list" aria-label="Open connections">
          {connections.data.map((c) => (
            <li key={c.id} className={c.id === connectionId ? 'selected' : ''}>
              <button type="button" className="link" onClick={() => setConnection(c.id)} aria-pressed={c.id === connectionId}>
                {c.label}
              </button>
              <span className="muted small">
                PostgreSQL {c.serverVersion} · {c.tls ? 'TLS' : 'no TLS'}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No connection yet.</p>
      )}
    </section>
  );
}
