/** The designed loading, empty and error states every screen uses. */
import type { ReactNode } from 'react';
import type { ErrorValue } from '../../../src-shared/errors';
import { errorValue } from '../api/client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

export function Empty({ title, children, action, heading = 'h3' }: { title: string; children?: ReactNode; action?: ReactNode; heading?: 'h2' | 'h3' }) {
  const H = heading;
  return (
    <div className="state state-empty" role="note">
      <H>{title}</H>
      {children ? <div className="state-hint">{children}</div> : null}
      {action ? <div className="state-action">{action}</div> : null}
    </div>
  );
}

function where(e: ErrorValue): string | null {
  const w = e.where;
  if (!w) return null;
  const parts = [w.file ? `${w.file}${w.line ? `:${w.line}` : ''}${w.column ? `:${w.column}` : ''}` : null, w.field ? `field ${w.field}` : null].filter(Boolean);
  return parts.length ? parts.join(' · ') : null;
}

export function ErrorPanel({ error, title = 'Something went wrong', onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  const e = errorValue(error);
  const loc = where(e);
  return (
    <div className="state state-error" role="alert">
      <h3>{title}</h3>
      <p className="error-message">{e.message}</p>
      <p className="error-meta">
        <code>{e.code}</code>
        {loc ? <span> · {loc}</span> : null}
      </p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
