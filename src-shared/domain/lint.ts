/** Lint findings, rules, libraries and the composed configuration, as every face sees them. */

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** A suppression that silenced a finding: the finding is still reported, marked suppressed. */
export interface Suppression {
  /** `confiture-ignore`, `confiture-ignore-file`, `squawk-ignore`, `squawk-ignore-file` */
  via: string;
  reason: string;
  /** line of the suppression comment */
  line: number;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  /** 1-based */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** what to write instead */
  help: string;
  /** index of the statement in the file; null for file-level findings */
  statementIndex: number | null;
  suppressed?: Suppression;
}

export interface FileLintResult {
  path: string;
  findings: Finding[];
  /** statements parsed in the file */
  statements: number;
}

export interface LintSummary {
  files: number;
  statements: number;
  /** unsuppressed findings by severity */
  bySeverity: Record<Severity, number>;
  suppressed: number;
  failOn: Severity;
  /** true when an unsuppressed finding reaches failOn */
  failed: boolean;
  pgVersion: number;
}

export interface LintReport {
  files: FileLintResult[];
  summary: LintSummary;
  /** composition warnings (conflicts resolved under the `warn` policy, deprecated rules) */
  configWarnings: string[];
}

export interface RuleEquivalents {
  squawk?: string[];
  eugene?: string[];
  atlas?: string[];
  strong_migrations?: string[];
}

export interface RuleInfo {
  id: string;
  version: string;
  severity: Severity;
  /** libraries (name@version) that include the rule */
  libraries: string[];
  summary: string;
  rationale: string;
  safeAlternative: string;
  docs: string;
  equivalents: RuleEquivalents;
  deprecated: { since: string; replacement: string[]; reason: string } | null;
  /** severity is raised on large tables and lowered on tiny ones when a catalog is given */
  sizeSensitive: boolean;
  /** also inspects the static statements inside DO blocks */
  doBlocks: boolean;
}

export interface LibraryInfo {
  name: string;
  version: string;
  description: string;
  /** rule id → default severity in this library */
  rules: { id: string; severity: Severity; options: Record<string, unknown> }[];
  compliance: boolean;
}

/** Where an effective setting came from: `library safety@1.1.0` or `confiture.yaml:14`. */
export interface SettingSource {
  kind: 'library' | 'project' | 'default' | 'cli';
  label: string;
  line?: number;
}

export interface EffectiveRule {
  id: string;
  version: string;
  enabled: boolean;
  severity: Severity;
  options: Record<string, unknown>;
  /** every step that shaped this rule, in order; the last one for each setting wins */
  trail: { setting: 'included' | 'severity' | 'options' | 'disabled' | 'conflict'; value: string; source: SettingSource }[];
}

export interface EffectiveLintConfig {
  libraries: { name: string; requested: string; resolved: string; source: SettingSource }[];
  conflictPolicy: 'error' | 'warn' | 'prefer-first' | 'prefer-last';
  failOn: Severity;
  pgVersion: number;
  pgVersionSource: SettingSource;
  rules: EffectiveRule[];
  warnings: string[];
}
