/**
 * How much of PostgreSQL's statement vocabulary the verified lock table covers: each rule with an
 * example is traced against a real server by tests/integration/locks, so the statement node types
 * (and ALTER TABLE sub-commands) of those examples are "verified". Needs the parser loaded.
 */
import { parseSql } from '../parse';
import { LOCK_RULES } from './rules';

export interface LockCoverage {
  /** statement node types (`IndexStmt`) and ALTER TABLE sub-commands (`AT_AddColumn`) with a traced example */
  verified: { statements: string[]; alterTable: string[] };
  /** what the parser knows (passed in: the libpg-query node type list) */
  known: { statements: string[]; alterTable: string[] };
  /** known but not verified, for the docs */
  missing: { statements: string[]; alterTable: string[] };
}

/** Verified kinds: read from the examples the integration test runs, so they cannot drift. */
export function lockCoverage(known: { statements: string[]; alterTable: string[] }): LockCoverage {
  const statements = new Set<string>();
  const alterTable = new Set<string>();
  for (const rule of LOCK_RULES) {
    for (const ex of [...(rule.example ? [rule.example] : []), ...(rule.moreExamples ?? [])]) {
    for (const s of parseSql(ex.sql).statements) {
      statements.add(s.nodeType);
      if (s.nodeType === 'AlterTableStmt') {
        for (const c of (s.node.cmds as { AlterTableCmd?: { subtype?: string } }[] | undefined) ?? []) if (c.AlterTableCmd?.subtype) alterTable.add(c.AlterTableCmd.subtype);
      }
    }
    }
  }
  const sort = (xs: Iterable<string>) => [...xs].sort();
  return {
    verified: { statements: sort(statements), alterTable: sort(alterTable) },
    known: { statements: sort(known.statements), alterTable: sort(known.alterTable) },
    missing: { statements: sort(known.statements.filter((s) => !statements.has(s))), alterTable: sort(known.alterTable.filter((s) => !alterTable.has(s))) },
  };
}
