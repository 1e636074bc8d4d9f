import type { LibraryDefinition } from './types';

const base = [
  { id: 'ban-char-field' },
  { id: 'prefer-bigint-over-int' },
  { id: 'prefer-bigint-over-smallint' },
  { id: 'prefer-identity' },
  { id: 'prefer-text-field' },
  { id: 'prefer-timestamptz' },
  { id: 'identifier-too-long', severity: 'warning' as const },
  { id: 'ban-duplicate-column-assignments' },
  { id: 'ban-uncommitted-transaction' },
  { id: 'transaction-nesting' },
  { id: 'ban-concurrent-index-creation-in-transaction' },
  { id: 'require-enum-value-ordering' },
  { id: 'ban-create-domain-with-constraint' },
];

/** Correctness and type choices that hold for any PostgreSQL schema. */
export const general: LibraryDefinition[] = [
  { name: 'general', version: '1.0.0', description: 'Type choices and statements that fail or surprise at run time.', rules: base },
  {
    name: 'general',
    version: '1.1.0',
    description: 'Type choices and statements that fail or surprise at run time; adds jsonb over json.',
    rules: [...base, { id: 'prefer-jsonb' }],
  },
];
