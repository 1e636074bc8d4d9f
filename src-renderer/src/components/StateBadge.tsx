import type { MigrationState } from '../../../src-shared/domain/project';

const LABEL: Record<MigrationState, string> = {
  applied: 'applied',
  pending: 'pending',
  changed: 'changed',
  missing: 'missing',
};

const TITLE: Record<MigrationState, string> = {
  applied: 'Applied, and the file still matches what was applied',
  pending: 'Not applied yet',
  changed: 'Applied, but the file changed since (checksum differs)',
  missing: 'Applied on the database, but the file is gone from the project',
};

export function StateBadge({ state }: { state: MigrationState }) {
  return (
    <span className={`badge badge-${state}`} title={TITLE[state]}>
      {LABEL[state]}
    </span>
  );
}
