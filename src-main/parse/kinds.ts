/** Normalised statement kinds and transaction facts, read from the libpg-query AST. */

export type TxControl = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback_to' | 'prepare' | 'commit_prepared' | 'rollback_prepared';

const OBJECT_NAMES: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized_view',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'domain',
  OBJECT_SCHEMA: 'schema',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_EXTENSION: 'extension',
  OBJECT_COLUMN: 'column',
  OBJECT_TABCONSTRAINT: 'constraint',
  OBJECT_POLICY: 'policy',
  OBJECT_RULE: 'rule',
  OBJECT_FOREIGN_TABLE: 'foreign_table',
  OBJECT_DATABASE: 'database',
  OBJECT_ROLE: 'role',
  OBJECT_TABLESPACE: 'tablespace',
};

function snake(nodeType: string): string {
  return nodeType
    .replace(/Stmt$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function objectName(t: unknown): string {
  return OBJECT_NAMES[String(t)] ?? String(t ?? 'object').replace(/^OBJECT_/, '').toLowerCase();
}

/** e.g. create_index, alter_table, drop_table, rename_column, update, begin. */
export function statementKind(nodeType: string, node: Record<string, unknown>): string {
  switch (nodeType) {
    case 'CreateStmt':
      return 'create_table';
    case 'CreateTableAsStmt':
      return node.objtype === 'OBJECT_MATVIEW' ? 'create_materialized_view' : 'create_table_as';
    case 'IndexStmt':
      return 'create_index';
    case 'AlterTableStmt': {
      const t = objectName(node.objtype);
      return `alter_${t}`;
    }
    case 'DropStmt':
      return `drop_${objectName(node.removeType)}`;
    case 'RenameStmt':
      return `rename_${objectName(node.renameType)}`;
    case 'AlterObjectSchemaStmt':
      return `alter_${objectName(node.objectType)}_schema`;
    case 'TransactionStmt':
      return transactionControl(nodeType, node) ?? 'transaction';
    case 'VacuumStmt':
      return node.is_vacuumcmd ? 'vacuum' : 'analyze';
    case 'ViewStmt':
      return 'create_view';
    case 'CreateFunctionStmt':
      return node.is_procedure ? 'create_procedure' : 'create_function';
    case 'CreateTrigStmt':
      return 'create_trigger';
    case 'CreateEnumStmt':
      return 'create_enum';
    case 'AlterEnumStmt':
      return node.oldVal ? 'rename_enum_value' : 'alter_enum_add_value';
    case 'CreateSeqStmt':
      return 'create_sequence';
    case 'AlterSeqStmt':
      return 'alter_sequence';
    case 'CreateSchemaStmt':
      return 'create_schema';
    case 'CreateExtensionStmt':
      return 'create_extension';
    case 'CreateDomainStmt':
      return 'create_domain';
    case 'CompositeTypeStmt':
      return 'create_type';
    case 'CreatePolicyStmt':
      return 'create_policy';
    case 'GrantStmt':
      return node.is_grant ? 'grant' : 'revoke';
    case 'GrantRoleStmt':
      return node.is_grant ? 'grant_role' : 'revoke_role';
    case 'CommentStmt':
      return 'comment';
    case 'InsertStmt':
      return 'insert';
    case 'UpdateStmt':
      return 'update';
    case 'DeleteStmt':
      return 'delete';
    case 'MergeStmt':
      return 'merge';
    case 'SelectStmt':
      return 'select';
    case 'TruncateStmt':
      return 'truncate';
    case 'ReindexStmt':
      return 'reindex';
    case 'ClusterStmt':
      return 'cluster';
    case 'RefreshMatViewStmt':
      return 'refresh_materialized_view';
    case 'VariableSetStmt':
      return 'set';
    case 'LockStmt':
      return 'lock_table';
    case 'DoStmt':
      return 'do';
    case 'CreatedbStmt':
      return 'create_database';
    case 'DropdbStmt':
      return 'drop_database';
    default:
      return snake(nodeType);
  }
}

function hasDefElem(list: unknown, name: string): boolean {
  return Array.isArray(list) && list.some((d) => (d as { DefElem?: { defname?: string } }).DefElem?.defname === name);
}

/** Can this statement run inside a transaction block? (PostgreSQL refuses these in one.) */
export function isTransactional(nodeType: string, node: Record<string, unknown>): boolean {
  switch (nodeType) {
    case 'IndexStmt':
    case 'DropStmt':
      return node.concurrent !== true;
    case 'ReindexStmt':
      return !hasDefElem(node.params, 'concurrently') && node.kind !== 'REINDEX_OBJECT_SYSTEM' && node.kind !== 'REINDEX_OBJECT_DATABASE';
    case 'VacuumStmt':
      return node.is_vacuumcmd !== true;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
    case 'CreateSubscriptionStmt':
      return false;
    case 'AlterTableStmt': {
      // ALTER TABLE ... DETACH PARTITION ... CONCURRENTLY
      const cmds = (node.cmds as { AlterTableCmd?: { subtype?: string; def?: { PartitionCmd?: { concurrent?: boolean } } } }[] | undefined) ?? [];
      return !cmds.some((c) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent === true);
    }
    case 'DropSubscriptionStmt':
      return false;
    default:
      return true;
  }
}

export function transactionControl(nodeType: string, node: Record<string, unknown>): TxControl | null {
  if (nodeType !== 'TransactionStmt') return null;
  switch (node.kind) {
    case 'TRANS_STMT_BEGIN':
    case 'TRANS_STMT_START':
      return 'begin';
    case 'TRANS_STMT_COMMIT':
      return 'commit';
    case 'TRANS_STMT_ROLLBACK':
      return 'rollback';
    case 'TRANS_STMT_SAVEPOINT':
      return 'savepoint';
    case 'TRANS_STMT_RELEASE':
      return 'release';
    case 'TRANS_STMT_ROLLBACK_TO':
      return 'rollback_to';
    case 'TRANS_STMT_PREPARE':
      return 'prepare';
    case 'TRANS_STMT_COMMIT_PREPARED':
      return 'commit_prepared';
    case 'TRANS_STMT_ROLLBACK_PREPARED':
      return 'rollback_prepared';
    default:
      return null;
  }
}

/** `schema.table` or `table` from a RangeVar node body. */
export function relationName(rangeVar: unknown): string | null {
  const rv = rangeVar as { relname?: string; schemaname?: string } | undefined;
  if (!rv?.relname) return null;
  return rv.schemaname ? `${rv.schemaname}.${rv.relname}` : rv.relname;
}

/** Joins a list of `{String: {sval}}` nodes: ['public','orders'] → `public.orders`. */
export function qualifiedName(names: unknown): string | null {
  if (!Array.isArray(names)) return null;
  const parts = names.map((n) => (n as { String?: { sval?: string } }).String?.sval).filter((x): x is string => typeof x === 'string');
  return parts.length ? parts.join('.') : null;
}
