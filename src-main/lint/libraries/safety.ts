import type { LibraryDefinition } from './types';

const v1 = [
  { id: 'adding-field-with-default' },
  { id: 'adding-foreign-key-constraint' },
  { id: 'adding-not-nullable-field' },
  { id: 'adding-required-field' },
  { id: 'adding-primary-key-constraint' },
  { id: 'ban-alter-domain-with-add-constraint' },
  { id: 'ban-drop-column' },
  { id: 'ban-drop-database' },
  { id: 'ban-drop-not-null' },
  { id: 'ban-drop-table' },
  { id: 'ban-truncate-cascade' },
  { id: 'changing-column-type' },
  { id: 'constraint-missing-not-valid' },
  { id: 'disallowed-unique-constraint' },
  { id: 'prefer-repack' },
  { id: 'prefer-robust-stmts' },
  { id: 'renaming-column' },
  { id: 'renaming-table' },
  { id: 'require-concurrent-index-creation' },
  { id: 'require-concurrent-index-deletion' },
  { id: 'require-concurrent-partition-detach' },
  { id: 'require-concurrent-reindex' },
];

/** Locks, rewrites, scans and client breakage: what takes production down during a migration. */
export const safety: LibraryDefinition[] = [
  {
    name: 'safety',
    version: '1.0.0',
    description: 'Lock, rewrite and compatibility hazards (squawk parity), with the combined timeout rule.',
    rules: [...v1, { id: 'require-timeout-settings' }],
  },
  {
    name: 'safety',
    version: '1.1.0',
    description: 'Lock, rewrite and compatibility hazards: squawk parity plus eugene/strong_migrations checks and catalog-aware severity.',
    rules: [
      ...v1,
      { id: 'require-lock-timeout' },
      { id: 'require-statement-timeout' },
      { id: 'adding-generated-column' },
      { id: 'adding-exclusion-constraint' },
      { id: 'rewrites-table' },
      { id: 'statement-after-access-exclusive' },
      { id: 'multiple-alter-table' },
    ],
  },
];
