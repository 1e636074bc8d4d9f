import type { LibraryDefinition } from './types';

/** Naming and structure conventions; opt in. */
export const naming: LibraryDefinition[] = [
  {
    name: 'naming',
    version: '1.0.0',
    description: 'Naming conventions: snake_case, schema-qualified tables, identifier length, primary keys.',
    rules: [
      { id: 'snake-case-identifiers' },
      { id: 'require-table-schema' },
      { id: 'identifier-too-long', severity: 'error' },
      { id: 'require-primary-key' },
    ],
  },
];
