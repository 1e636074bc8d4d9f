/** How to reach the embedded server from psql: host, port, user, where the password is, a copy button. */
import { useState } from 'react';
import { usePsqlAccess } from '../../api/desk';

export function PsqlAccessCard() {
  const access = usePsqlAccess();
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const a = access.data;
  if (!a) return null;
  const copy = async () => {
    if (!a.command) return;
    try {
      await navigator.clipboard.writeText(a.command);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
    setTimeout(() => setCopied(null), 2500);
  };
  return (
    <section className="card psql-card" aria-labelledby="psql-title" data-testid="psql-access">
      <h3 id="psql-title">Reach the embedded server from psql</h3>
      {a.running ? (
        <>
          <dl className="facts">
            <dt>Host</dt>
            <dd>
              <code>{a.host}</code>
            </dd>
            <dt>Port</dt>
            <dd>
              <code>{a.port}</code>
            </dd>
            <dt>User</dt>
            <dd>
              <code>{a.user}</code>
            </dd>
            <dt>Database</dt>
            <dd>
              <code>{a.database}</code>
            </dd>
            <dt>Password</dt>
            <dd>
              in <code className="path">{a.passwordFile}</code> (mode 0600), and as a pgpass file in <code className="path">{a.pgpassFile}</code>
            </dd>
          </dl>
          <div className="copy-row">
            <code className="command" data-testid="psql-command">
              {a.command}
            </code>
            <button type="button" onClick={() => void copy()} aria-label="Copy the psql command" data-testid="psql-copy">
              {copied === 'ok' ? 'Copied' : copied === 'failed' ? 'Copy failed — select the text' : 'Copy'}
            </button>
          </div>
          <p className="sr-only" role="status" aria-live="polite">
            {copied === 'ok' ? 'psql command copied' : ''}
          </p>
        </>
      ) : (
        <p className="muted small">The embedded server is stopped; once it runs, its host, port, user and password file show here.</p>
      )}
    </section>
  );
}
