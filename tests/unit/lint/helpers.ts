/** Lints SQL with one rule (or one library) switched on and returns that rule's findings. */
import { initParser, parseSql } from '../../../src-main/parse';
import { composeRuleSet, lintParsed, type LintCatalog, type LintInputs } from '../../../src-main/lint';
import type { Finding } from '../../../src-shared/domain/lint';

export interface RunOptions {
  pgVersion?: number;
  catalog?: LintCatalog;
  inputs?: LintInputs;
  /** compose these libraries instead of only the rule */
  libraries?: (string | { name: string; version: string })[];
  options?: Record<string, unknown>;
  /** include suppressed findings */
  all?: boolean;
}

export async function findings(rule: string, sql: string, opts: RunOptions = {}): Promise<Finding[]> {
  await initParser();
  const ruleSet = composeRuleSet({
    libraries: opts.libraries ?? [],
    ...(opts.libraries ? {} : { overrides: { [rule]: opts.options ? { options: opts.options } : {} } }),
    ...(opts.pgVersion ? { pgVersion: opts.pgVersion } : {}),
  } as never);
  const result = lintParsed(parseSql(sql, 'test.sql'), {
    ruleSet,
    ...(opts.catalog ? { catalog: opts.catalog } : {}),
    ...(opts.inputs ? { inputs: opts.inputs } : {}),
  });
  return result.findings.filter((f) => f.rule === rule && (opts.all || !f.suppressed));
}

export function catalog(tables: Record<string, { rows: number; bytes: number; columns?: Record<string, string>; rowSecurity?: boolean }>): LintCatalog {
  return {
    tables: new Map(
      Object.entries(tables).map(([k, v]) => [k, { rows: v.rows, bytes: v.bytes, columns: new Map(Object.entries(v.columns ?? {})), ...(v.rowSecurity !== undefined ? { rowSecurity: v.rowSecurity } : {}) }]),
    ),
  };
}
