import type { MigrationState } from '../../../src-shared/domain/project';

const LABEL: Record<MigrationState, string> = {
  applied: 'applied',
  pending: 'pending',
  changed: 'changed',
  missing: 'missing',
  partial: 'partial',
};

const TITLE: Record<MigrationState, string> = {
  applied: 'Applied, and the file still matches what was applied',
  pending: 'Not applied yet',
  changed: 'Applied, but the file changed since (checksum differs)',
  missing: 'Applied on the database, but the file is gone from the project',
  partial: 'A run stopped part-way through this migration (it runs outside a transaction): some statements are applied; the next run resumes where it stopped',
};

/** `detail` adds to the tooltip (a partial migration: where it stopped). */
export function StateBadge({ state, detail }: { state: MigrationState; detail?: string }) {
  return (
    <span className={`badge badge-${state}`} title={detail ? `${TITLE[state]}. ${detail}` : TITLE[state]}>
      {LABEL[state]}
    </span>
  );
}
