/**
 * Edit in place (the desk, issue 13 point 9): a migration's SQL in an editable CodeMirror pane,
 * saved to its file through `project/save` (Ctrl/⌘+S or the Save button), after which lint, risk
 * and the approval state are read again — an approval given on the old text turns stale.
 *
 * An applied migration asks first: the database ran the text on disk, so a new text is checksum
 * drift on the next run; a new migration is almost always the right change.
 */
import { useMemo, useState } from 'react';
import CodeMirror, { EditorView, keymap, Prec } from '@uiw/react-codemirror';
import { sql, PostgreSQL } from '@codemirror/lang-sql';
import type { MigrationState } from '../../../../src-shared/domain/project';
import type { ApprovalState } from '../../../../src-shared/domain/risk';
import { useSaveMigration } from '../../api/edit';
import { useApprovals, useRiskReport } from '../../api/risk';
import { RiskBadge } from '../../screens/RiskScreen';
import { ErrorPanel } from '../StateViews';

const APPLIED: ReadonlySet<MigrationState> = new Set(['applied', 'changed', 'partial']);

/** The approval state of a migration in words; a stale approval says why (the checksum or the risk changed). */
export function approvalLabel(a: ApprovalState | undefined, checksum: string | undefined): { text: string; tone: 'ok' | 'warning' | 'muted' } {
  if (!a) return { text: 'approval: …', tone: 'muted' };
  switch (a.state) {
    case 'approved':
      return { text: `approved${a.latest ? ` by ${a.latest.by}` : ''}`, tone: 'ok' };
    case 'missing':
      return { text: 'not approved', tone: 'muted' };
    case 'stale':
      return a.latest && checksum && a.latest.checksum !== checksum ? { text: 'approval stale — checksum changed', tone: 'warning' } : { text: 'approval stale — risk changed', tone: 'warning' };
    case 'rejected':
      return { text: `rejected${a.latest ? ` by ${a.latest.by}` : ''}`, tone: 'warning' };
    case 'revoked':
      return { text: 'approval revoked (audit log tampered)', tone: 'warning' };
  }
}

/** Risk and approval of the migration shown: they follow every save. */
export function ReviewStrip({ dir, version, connectionId, checksum, state }: { dir: string; version: string; connectionId: string | null; checksum: string | undefined; state: MigrationState | undefined }) {
  const risk = useRiskReport(dir, connectionId);
  const approvals = useApprovals(dir, connectionId);
  const m = risk.data?.migrations.find((x) => x.version === version);
  const a = approvals.data?.find((x) => x.version === version);
  const label = approvalLabel(a, checksum);
  return (
    <p className="review-strip small" data-testid="detail-review" aria-live="polite">
      <span data-testid="detail-risk">
        Risk:{' '}
        {risk.isFetching && !m ? <span className="muted">assessing…</span> : m ? <RiskBadge level={m.level} score={m.score} /> : <span className="muted">{state && APPLIED.has(state) ? 'applied, not assessed' : 'not assessed'}</span>}
        {risk.isFetching && m ? <span className="muted"> (re-assessing…)</span> : null}
      </span>
      <span className={label.tone} data-testid="detail-approval" title={a?.reason}>
        {label.text}
      </span>
      <span className="muted" title={checksum}>
        checksum <code>{checksum ? `${checksum.slice(0, 12)}…` : '—'}</code>
      </span>
    </p>
  );
}

export interface MigrationEditorProps {
  dir: string;
  version: string;
  connectionId: string | null;
  initial: string;
  checksum: string;
  /** the migration's state in the database */
  state: MigrationState | undefined;
  onClose(saved: boolean): void;
}

/** The editable pane: the text, Save (Ctrl/⌘+S) and Cancel; errors of the save shown where they happened. */
export function MigrationEditor({ dir, version, connectionId, initial, checksum, state, onClose }: MigrationEditorProps) {
  const [draft, setDraft] = useState(initial);
  const save = useSaveMigration();
  const applied = state !== undefined && APPLIED.has(state);
  const dirty = draft !== initial;

  const doSave = () => {
    if (!dirty || save.isPending) return;
    save.mutate(
      { dir, version, sql: draft, expectedChecksum: checksum, ...(connectionId ? { connectionId } : {}), ...(applied ? { confirmApplied: true } : {}) },
      { onSuccess: () => onClose(true) },
    );
  };
  const extensions = useMemo(
    () => [
      sql({ dialect: PostgreSQL }),
      EditorView.lineWrapping,
      // the editable text box itself needs the name (axe: aria-input-field-name)
      EditorView.contentAttributes.of({ 'aria-label': `Edit the SQL of migration ${version}` }),
      Prec.highest(
        keymap.of([
          {
            key: 'Mod-s',
            preventDefault: true,
            run: () => {
              document.getElementById('migration-save')?.click();
              return true;
            },
          },
        ]),
      ),
    ],
    [version],
  );

  return (
    <div className="migration-editor" data-testid="migration-editor">
      {applied ? (
        <p className="warning small" role="note">
          Editing an applied migration: the next run will stop on checksum drift until the drift is accepted.
        </p>
      ) : null}
      <CodeMirror
        value={draft}
        onChange={setDraft}
        extensions={extensions}
        basicSetup={{ lineNumbers: true, foldGutter: false }}
        autoFocus
      />
      <div className="toolbar editor-actions">
        <button type="button" id="migration-save" className="primary" onClick={doSave} disabled={!dirty || save.isPending} data-testid="editor-save" aria-keyshortcuts="Control+S Meta+S">
          {save.isPending ? 'Saving…' : 'Save'}
        </button>
        <button type="button" onClick={() => onClose(false)} disabled={save.isPending} data-testid="editor-cancel">
          Cancel
        </button>
        <span className="muted small" aria-live="polite">
          {dirty ? 'Unsaved changes · Ctrl+S saves; lint and risk run again on save' : 'No change yet'}
        </span>
      </div>
      {save.isError ? <ErrorPanel error={save.error} title="Not saved" /> : null}
    </div>
  );
}

/** The refusal before editing an applied migration, with the explicit way through. */
export function AppliedEditWarning({ version, state, onConfirm, onCancel }: { version: string; state: MigrationState; onConfirm(): void; onCancel(): void }) {
  return (
    <div className="state state-error applied-edit" role="alertdialog" aria-labelledby="applied-edit-title" aria-describedby="applied-edit-why" data-testid="applied-edit-warning">
      <h3 id="applied-edit-title">{version} is {state} in the database</h3>
      <p id="applied-edit-why">
        The database ran the text on disk now, and recorded its checksum. Saving a new text does not change what ran: the next run stops on <strong>checksum drift</strong> (the recorded
        checksum no longer matches the file) until the drift is accepted. To change the schema, write a new migration instead.
      </p>
      <div className="toolbar">
        <button type="button" onClick={onCancel} autoFocus data-testid="applied-edit-cancel">
          Keep it as it is
        </button>
        <button type="button" className="danger" onClick={onConfirm} data-testid="applied-edit-confirm">
          Edit anyway
        </button>
      </div>
    </div>
  );
}
