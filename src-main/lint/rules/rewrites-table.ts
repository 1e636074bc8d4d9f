import { alterCmds, defElemTrue, display, targetTables } from '../ast';
import { lockSentence, type Duration } from '../phrases';
import { defineRule } from '../types';

const REWRITING: Record<string, string> = {
  AT_SetTableSpace: 'SET TABLESPACE copies every data file',
  AT_SetLogged: 'SET LOGGED rewrites the table into the WAL',
  AT_SetUnLogged: 'SET UNLOGGED rewrites the table',
  AT_SetAccessMethod: 'SET ACCESS METHOD rewrites the table',
};

export default defineRule({
  id: 'rewrites-table',
  version: '1.0.0',
  severity: 'error',
  summary: 'VACUUM FULL, CLUSTER, SET TABLESPACE, SET LOGGED/UNLOGGED and SET ACCESS METHOD rewrite the table under AccessExclusiveLock.',
  rationale: 'These statements write a new copy of the table (and rebuild its indexes) while holding AccessExclusiveLock: no reads or writes until the copy is done, and about the table size again in free disk.',
  safeAlternative: 'pg_repack (or REPACK (CONCURRENTLY) on PostgreSQL 19+); for tablespaces, pg_repack --tablespace or logical copy; otherwise a maintenance window.',
  example: { bad: 'VACUUM FULL orders;', good: 'VACUUM (ANALYZE) orders;' },
  equivalents: { atlas: ['PG307', 'PG311'], squawk: ['prefer-repack'] },
  sizeSensitive: true,
  nodeTypes: ['VacuumStmt', 'ClusterStmt', 'AlterTableStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      const tables = targetTables(stmt);
      const table = tables[0] ?? null;
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      let what: string | null = null;
      let duration: Duration = 'rewrite';
      if (stmt.nodeType === 'VacuumStmt' && defElemTrue(stmt.node.options, 'full')) what = 'VACUUM FULL rewrites the table';
      else if (stmt.nodeType === 'ClusterStmt') what = 'CLUSTER rewrites the table in index order';
      else
        for (const c of alterCmds(stmt))
          if (REWRITING[c.subtype]) {
            what = REWRITING[c.subtype]!;
            if (c.subtype === 'AT_SetTableSpace') duration = 'copy';
          }
      if (!what) continue;
      ctx.report(stmt, { table, message: `${what}${table ? ` (${display(table)})` : ''}: it ${lockSentence(ctx, stmt, table, duration)}.` });
    }
  },
});
