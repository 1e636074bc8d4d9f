import { defineRule } from '../types';

/** Operations whose run time grows with the data (the locks service's classification). */
const SLOW = new Set(['scan', 'index_build', 'rewrite', 'dml', 'refresh']);

export default defineRule({
  id: 'statement-after-access-exclusive',
  version: '1.1.0',
  severity: 'warning',
  summary: 'Slow statements (index builds, backfills, scans) that run while the transaction already holds AccessExclusiveLock extend the outage.',
  rationale: 'Locks are held until the transaction ends: after one statement takes AccessExclusiveLock (on its table, a referenced table, the table of an index…), every later statement in the same transaction runs while all reads and writes on those tables are blocked, so slow later statements (index builds, backfills, validations) — on any table — multiply the blocking window.',
  safeAlternative: 'Put the AccessExclusiveLock statement last, or in its own migration, and keep the transaction short.',
  example: { bad: 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);', good: 'ALTER TABLE orders ADD COLUMN note text;\n-- next migration: CREATE INDEX CONCURRENTLY ...' },
  equivalents: { eugene: ['E4'], strong_migrations: ['validate_foreign_key'] },
  sizeSensitive: true,
  check(ctx) {
    for (const stmt of ctx.statements) {
      const f = ctx.analysis.facts[stmt.index]!;
      if (f.accessExclusiveHeld.length === 0 || !SLOW.has(f.locks.operation)) continue;
      // slow only on data that exists: the relations whose size drives its duration
      const works = f.locks.tables.filter((t) => !ctx.analysis.isNewTable(t.includes('.') ? t : `public.${t}`, stmt.index));
      if (works.length === 0) continue;
      const held = f.accessExclusiveHeld.filter((t) => !ctx.analysis.isNewTable(t.includes('.') ? t : `public.${t}`, stmt.index));
      if (held.length === 0) continue;
      const same = held.find((h) => works.includes(h));
      const main = same ?? held[0]!;
      ctx.report(stmt, {
        table: main.includes('.') ? main : `public.${main}`,
        message: `This statement (${f.locks.operation.replace('_', ' ')} of ${works.join(', ')}) runs while the transaction already holds AccessExclusiveLock on ${held.join(', ')} from an earlier statement: all reads and writes on ${held.length > 1 ? 'them' : 'it'} stay blocked until this one finishes too.`,
      });
    }
  },
});
