import { display, targetTable } from '../ast';
import { lockSentence } from '../phrases';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-concurrent-index-creation',
  version: '1.1.0',
  severity: 'error',
  summary: 'CREATE INDEX without CONCURRENTLY blocks writes for the whole build.',
  rationale: 'A plain CREATE INDEX takes ShareLock on the table: INSERT, UPDATE and DELETE wait until the index is built (a full scan and sort). Tables created earlier in the same file are exempt. Differs from squawk on purpose: an index on a table or materialized view created earlier in the same file (or migration plan) blocks nobody, so it is not reported; squawk reports it unless told to assume a transaction. `CREATE INDEX … ON ONLY parent` of a partitioned table is not reported either: it only creates the (invalid) parent index in the catalog, scans nothing, and PostgreSQL refuses CONCURRENTLY there — the partitions\' indexes are built CONCURRENTLY and attached.',
  safeAlternative: '`CREATE INDEX CONCURRENTLY IF NOT EXISTS ...` in its own file marked `-- confiture: no-transaction` (ShareUpdateExclusiveLock: reads and writes continue). If it fails, drop the INVALID index and retry.',
  example: { bad: 'CREATE INDEX orders_created_idx ON orders (created_at);', good: '-- confiture: no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_created_idx ON orders (created_at);' },
  equivalents: { squawk: ['require-concurrent-index-creation'], eugene: ['E6'], atlas: ['PG101'], strong_migrations: ['add_index'] },
  sizeSensitive: true,
  nodeTypes: ['IndexStmt'],
  doBlocks: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      if (stmt.nodeType !== 'IndexStmt' || stmt.node.concurrent) continue;
      const table = targetTable(stmt);
      if (ctx.analysis.isNewTable(table, stmt.index)) continue;
      // ON ONLY a partitioned parent: catalog-only, and CONCURRENTLY is refused there (the locks service decides)
      if (ctx.analysis.factsOf(stmt).locks.rules.includes('create_index.only')) continue;
      const t = ctx.analysis.catalogTable(table);
      if (t && t.rows === 0 && t.bytes <= 65536) continue;
      ctx.report(stmt, {
        table,
        message: `Building index ${String(stmt.node.idxname ?? '(unnamed)')} ${lockSentence(ctx, stmt, table, 'build')}.`,
        help: `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${String(stmt.node.idxname ?? '<name>')} ON ${table ? display(table) : '...'} (...); in its own file marked -- confiture: no-transaction.`,
      });
    }
  },
});
