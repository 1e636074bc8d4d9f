/** Runs the composed rules over one parsed file. Pure: no I/O. */
import { SEVERITIES, severityRank, type FileLintResult, type Finding, type LintReport, type Severity } from '../../src-shared/domain/lint';
import type { ParsedFile, ParsedStatement } from '../parse';
import { FileAnalysis, formatBytes, formatCount } from './analysis';
import { display } from './ast';
import { composeRuleSet, type ComposedRuleSet } from './compose';
import { BUILT_IN_RULES } from './registry';
import { readSuppressions, suppressionFor } from './suppress';
import type { AnyRule, LintCatalog, LintInputs, Report, RuleContext } from './types';
import type { PlanChecks } from '../locks';
import { sameRelation } from './phrases';

export interface LintOptions {
  /** composed configuration; default: the default libraries */
  ruleSet?: ComposedRuleSet;
  /** overrides ruleSet.pgVersion */
  pgVersion?: number;
  catalog?: LintCatalog;
  inputs?: LintInputs;
  /**
   * plan state of earlier migrations (the same object for every file of a plan, in order): lint
   * then knows what they created and proved, as locks and risk do
   */
  plan?: PlanChecks;
}

/** Tables at least this big raise size-sensitive findings one severity level. */
export const LARGE_TABLE = { rows: 1_000_000, bytes: 1024 ** 3 };
/** Tables this small lower them one level. */
export const TINY_TABLE = { rows: 10_000, bytes: 10 * 1024 ** 2 };

let defaultSet: ComposedRuleSet | null = null;
export function defaultRuleSet(): ComposedRuleSet {
  if (!defaultSet) defaultSet = composeRuleSet(undefined);
  return defaultSet;
}

const BUILT_IN = new Set<string>(BUILT_IN_RULES);
/** the collator `localeCompare()` uses, made once (localeCompare looks it up on every call) */
const collator = new Intl.Collator();

/** The statements of each node type, in file order: built once per file, shared by every rule. */
function byNodeType(file: ParsedFile): Map<string, ParsedStatement[]> {
  const index = new Map<string, ParsedStatement[]>();
  for (const stmt of file.statements) {
    const list = index.get(stmt.nodeType);
    if (list) list.push(stmt);
    else index.set(stmt.nodeType, [stmt]);
  }
  return index;
}

const NONE: readonly ParsedStatement[] = Object.freeze([]);
const typeSets = new WeakMap<readonly string[], ReadonlySet<string>>();

/** What `ctx.statements` holds for a rule: every statement, or only those of its node types. */
function statementsFor(rule: AnyRule, file: ParsedFile, index: Map<string, ParsedStatement[]>): readonly ParsedStatement[] {
  const types = rule.nodeTypes;
  if (!types) return file.statements;
  let only: ParsedStatement[] | undefined;
  for (const t of types) {
    const list = index.get(t);
    if (!list) continue;
    // statements of two or more of the types: keep them in file order
    if (only) {
      let set = typeSets.get(types);
      if (!set) typeSets.set(types, (set = new Set(types)));
      return file.statements.filter((s) => set.has(s.nodeType));
    }
    only = list;
  }
  return only ?? NONE;
}

/** `statements` with the DO-block statements of the rule's node types merged in, in file order. */
function withDoBlocks(rule: AnyRule, statements: readonly ParsedStatement[], inner: readonly ParsedStatement[]): readonly ParsedStatement[] {
  const mine = rule.nodeTypes ? inner.filter((s) => rule.nodeTypes!.includes(s.nodeType)) : inner;
  if (mine.length === 0) return statements;
  // a DO block's statements come right after the DO statement itself (same index)
  return [...statements, ...mine].sort((a, b) => a.index - b.index);
}

function shift(s: Severity, by: number): Severity {
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, severityRank(s) + by))]!;
}

/** Lints one parsed file. With a catalog, rules know existing tables, column types and sizes. */
export function lintParsed(file: ParsedFile, options: LintOptions = {}): FileLintResult {
  const ruleSet = options.ruleSet ?? defaultRuleSet();
  const pgVersion = options.pgVersion ?? ruleSet.pgVersion;
  const inputs = options.inputs ?? {};
  const analysis = new FileAnalysis(file, pgVersion, options.catalog, inputs, options.plan);
  const findings: Finding[] = [];
  const index = byNodeType(file);
  for (const composed of ruleSet.rules.values()) {
    if (!composed.enabled) continue;
    const { rule } = composed;
    let statements = statementsFor(rule, file, index);
    if (rule.doBlocks && index.has('DoStmt')) statements = withDoBlocks(rule, statements, analysis.doBlockStatements());
    // a rule that declares its node types has nothing to inspect in this file
    if (rule.nodeTypes && statements.length === 0) continue;
    const ctx: RuleContext<unknown> = {
      file,
      statements,
      analysis,
      options: composed.options,
      pgVersion,
      catalog: options.catalog,
      inputs,
      report(stmt, r: Report) {
        let severity = r.severity ? shift(composed.severity, severityRank(r.severity) - severityRank(rule.severity)) : composed.severity;
        let message = r.message;
        const within = stmt ? analysis.insideDoBlock(stmt) : undefined;
        // inside a DO block, a table created earlier in the block is new: the locks service says
        // its lock is on a relation that did not exist before the file, which blocks nobody
        if (within && r.table && analysis.factsOf(stmt!).locks.locks.some((l) => !l.existing && sameRelation(l.relation, r.table!))) return;
        if (within) message += ` (Inside the DO block at line ${within.doLine}${within.conditional ? ', under a condition: it runs only when that holds' : ''}.)`;
        const table = r.table ? analysis.catalogTable(r.table) : undefined;
        if (rule.sizeSensitive && table && r.table) {
          if (table.rows >= LARGE_TABLE.rows || table.bytes >= LARGE_TABLE.bytes) {
            const raised = shift(severity, 1);
            if (raised !== severity) message += ` Raised to ${raised}: ${display(r.table)} has ~${formatCount(table.rows)} rows (${formatBytes(table.bytes)}).`;
            severity = raised;
          } else if (table.rows < TINY_TABLE.rows && table.bytes < TINY_TABLE.bytes) {
            const lowered = shift(severity, -1);
            if (lowered !== severity) message += ` Lowered to ${lowered}: ${display(r.table)} has only ~${formatCount(table.rows)} rows (${formatBytes(table.bytes)}).`;
            severity = lowered;
          }
        }
        const start = r.position ?? (r.at !== undefined && r.at >= 0 ? analysis.position(r.at) : stmt?.range.start ?? { line: 1, column: 1 });
        const end = stmt?.range.end ?? start;
        findings.push({
          rule: rule.id,
          severity,
          message,
          help: r.help ?? rule.safeAlternative,
          line: start.line,
          column: start.column,
          endLine: end.line,
          endColumn: end.column,
          statementIndex: stmt ? stmt.index : null,
        });
      },
    };
    rule.check(ctx as RuleContext<never>);
  }
  const suppressions = readSuppressions(file);
  for (const f of findings) {
    if (BUILT_IN.has(f.rule)) continue;
    const s = suppressionFor(suppressions, f);
    if (s) f.suppressed = s;
  }
  findings.push(...suppressions.problems);
  findings.sort((a, b) => a.line - b.line || a.column - b.column || collator.compare(a.rule, b.rule));
  return { path: file.path, findings, statements: file.statements.length };
}

/** Totals and the pass/fail verdict for a set of file results. */
export function summarise(files: FileLintResult[], ruleSet: ComposedRuleSet, pgVersion = ruleSet.pgVersion): LintReport {
  const bySeverity: Record<Severity, number> = { info: 0, warning: 0, error: 0, critical: 0 };
  let suppressed = 0;
  let statements = 0;
  for (const f of files) {
    statements += f.statements;
    for (const x of f.findings) {
      if (x.suppressed) suppressed++;
      else bySeverity[x.severity]++;
    }
  }
  const failed = SEVERITIES.some((s) => severityRank(s) >= severityRank(ruleSet.failOn) && bySeverity[s] > 0);
  return {
    files,
    summary: { files: files.length, statements, bySeverity, suppressed, failOn: ruleSet.failOn, failed, pgVersion },
    configWarnings: ruleSet.effective.warnings,
  };
}
