/**
 * Every rule, one line each. Adding a rule: write `rules/<id>.ts`, import it here, and list it in
 * the libraries that should include it.
 */
import type { AnyRule } from './types';
import addingExclusionConstraint from './rules/adding-exclusion-constraint';
import addingFieldWithDefault from './rules/adding-field-with-default';
import addingForeignKeyConstraint from './rules/adding-foreign-key-constraint';
import addingGeneratedColumn from './rules/adding-generated-column';
import addingNotNullableField from './rules/adding-not-nullable-field';
import addingPrimaryKeyConstraint from './rules/adding-primary-key-constraint';
import addingRequiredField from './rules/adding-required-field';
import auditColumnsRequired from './rules/audit-columns-required';
import auditTableTampering from './rules/audit-table-tampering';
import banAlterDomainWithAddConstraint from './rules/ban-alter-domain-with-add-constraint';
import banCharField from './rules/ban-char-field';
import banConcurrentIndexCreationInTransaction from './rules/ban-concurrent-index-creation-in-transaction';
import banCreateDomainWithConstraint from './rules/ban-create-domain-with-constraint';
import banDropColumn from './rules/ban-drop-column';
import banDropDatabase from './rules/ban-drop-database';
import banDropNotNull from './rules/ban-drop-not-null';
import banDropTable from './rules/ban-drop-table';
import banDuplicateColumnAssignments from './rules/ban-duplicate-column-assignments';
import banTruncateCascade from './rules/ban-truncate-cascade';
import banUncommittedTransaction from './rules/ban-uncommitted-transaction';
import changingColumnType from './rules/changing-column-type';
import constraintMissingNotValid from './rules/constraint-missing-not-valid';
import disallowedUniqueConstraint from './rules/disallowed-unique-constraint';
import forbiddenSensitiveColumn from './rules/forbidden-sensitive-column';
import grantToPublic from './rules/grant-to-public';
import identifierTooLong from './rules/identifier-too-long';
import invalidSuppression from './rules/invalid-suppression';
import multipleAlterTable from './rules/multiple-alter-table';
import parseError from './rules/parse-error';
import emptyMigration from './rules/empty-migration';
import preferBigintOverInt from './rules/prefer-bigint-over-int';
import preferBigintOverSmallint from './rules/prefer-bigint-over-smallint';
import preferIdentity from './rules/prefer-identity';
import preferJsonb from './rules/prefer-jsonb';
import preferRepack from './rules/prefer-repack';
import preferRobustStmts from './rules/prefer-robust-stmts';
import preferTextField from './rules/prefer-text-field';
import preferTimestamptz from './rules/prefer-timestamptz';
import regulatedDestructiveChange from './rules/regulated-destructive-change';
import renamingColumn from './rules/renaming-column';
import renamingTable from './rules/renaming-table';
import requireConcurrentIndexCreation from './rules/require-concurrent-index-creation';
import requireConcurrentIndexDeletion from './rules/require-concurrent-index-deletion';
import requireConcurrentPartitionDetach from './rules/require-concurrent-partition-detach';
import requireConcurrentReindex from './rules/require-concurrent-reindex';
import requireEnumValueOrdering from './rules/require-enum-value-ordering';
import requireLockTimeout from './rules/require-lock-timeout';
import requirePrimaryKey from './rules/require-primary-key';
import requireStatementTimeout from './rules/require-statement-timeout';
import requireTableSchema from './rules/require-table-schema';
import requireTimeoutSettings from './rules/require-timeout-settings';
import retentionColumnRequired from './rules/retention-column-required';
import rewritesTable from './rules/rewrites-table';
import securityDefinerSearchPath from './rules/security-definer-search-path';
import sensitiveColumnUnprotected from './rules/sensitive-column-unprotected';
import sensitiveTableWithoutAccessControl from './rules/sensitive-table-without-access-control';
import snakeCaseIdentifiers from './rules/snake-case-identifiers';
import statementAfterAccessExclusive from './rules/statement-after-access-exclusive';
import transactionNesting from './rules/transaction-nesting';

export const RULES: readonly AnyRule[] = [
  addingExclusionConstraint,
  addingFieldWithDefault,
  addingForeignKeyConstraint,
  addingGeneratedColumn,
  addingNotNullableField,
  addingPrimaryKeyConstraint,
  addingRequiredField,
  auditColumnsRequired,
  auditTableTampering,
  banAlterDomainWithAddConstraint,
  banCharField,
  banConcurrentIndexCreationInTransaction,
  banCreateDomainWithConstraint,
  banDropColumn,
  banDropDatabase,
  banDropNotNull,
  banDropTable,
  banDuplicateColumnAssignments,
  banTruncateCascade,
  banUncommittedTransaction,
  changingColumnType,
  constraintMissingNotValid,
  disallowedUniqueConstraint,
  forbiddenSensitiveColumn,
  grantToPublic,
  identifierTooLong,
  invalidSuppression,
  multipleAlterTable,
  parseError,
  emptyMigration,
  preferBigintOverInt,
  preferBigintOverSmallint,
  preferIdentity,
  preferJsonb,
  preferRepack,
  preferRobustStmts,
  preferTextField,
  preferTimestamptz,
  regulatedDestructiveChange,
  renamingColumn,
  renamingTable,
  requireConcurrentIndexCreation,
  requireConcurrentIndexDeletion,
  requireConcurrentPartitionDetach,
  requireConcurrentReindex,
  requireEnumValueOrdering,
  requireLockTimeout,
  requirePrimaryKey,
  requireStatementTimeout,
  requireTableSchema,
  requireTimeoutSettings,
  retentionColumnRequired,
  rewritesTable,
  securityDefinerSearchPath,
  sensitiveColumnUnprotected,
  sensitiveTableWithoutAccessControl,
  snakeCaseIdentifiers,
  statementAfterAccessExclusive,
  transactionNesting,
];

/** Rules that existed and were removed: configuration or suppressions naming them are errors. */
export const REMOVED_RULES: Readonly<Record<string, { removedIn: string; replacement: string | null; reason: string }>> = {
  'no-concurrent-index-creation': {
    removedIn: '1.0.0',
    replacement: 'require-concurrent-index-creation',
    reason: 'the Python predecessor\'s "avoid creating indexes during peak hours" had no check; building indexes CONCURRENTLY is the real rule',
  },
  'sec-001': { removedIn: '1.0.0', replacement: 'sensitive-column-unprotected', reason: 'regex-based secret detection replaced by the compliance libraries' },
};

/** Rules that run whatever the configuration says (they report on the file and the suppressions themselves). */
export const BUILT_IN_RULES = ['parse-error', 'invalid-suppression', 'empty-migration'] as const;

const byId = new Map(RULES.map((r) => [r.id, r]));
export function getRule(id: string): AnyRule | undefined {
  return byId.get(id);
}
