/**
 * Output formats of a lint report: the CLI's json shape, SARIF 2.1.0 for code scanning, GitLab
 * Code Quality, Markdown for pull-request comments, and text for terminals.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Finding, LintReport, RuleInfo, Severity } from '../../src-shared/domain/lint';
import { listLibraries, listRules } from './catalogue';

/** Where the rules reference is published; each rule has its own section (`#<rule-id>`). */
export const RULES_DOC_URL = 'https://github.com/confiture/confiture-desktop/blob/main/docs/reference/rules.md';

export function ruleHelpUri(ruleId: string): string {
  return `${RULES_DOC_URL}#${ruleId}`;
}

/** `{"files":[{"path","findings":[{"rule","severity","message","line","column","help"}]}],"summary":{...}}` */
/** One file of the JSON report (see toJson). */
export function toJsonFile(f: LintReport['files'][number]): { path: string; findings: unknown[] } {
  return {
    path: f.path,
    findings: f.findings.map((x) => ({
      rule: x.rule,
      severity: x.severity,
      message: x.message,
      line: x.line,
      column: x.column,
      help: x.help,
      ...(x.suppressed ? { suppressed: x.suppressed } : {}),
    })),
  };
}

export function toJson(report: LintReport): { files: unknown[]; summary: unknown } {
  return { files: report.files.map(toJsonFile), summary: toJsonSummary(report) };
}

export function toJsonSummary(report: LintReport): unknown {
  return { ...report.summary, configWarnings: report.configWarnings };
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

/** GitHub's scale (0–10): ≥ 9 critical, ≥ 7 high, ≥ 4 medium, else low. */
const SECURITY_SEVERITY: Record<Severity, string> = { info: '2.0', warning: '5.0', error: '7.5', critical: '9.5' };

/** Rules included by a compliance library (HIPAA, GDPR, PCI DSS, SOX) are security rules. */
function securityRules(): Set<string> {
  return new Set(listLibraries().filter((l) => l.compliance).flatMap((l) => l.rules.map((r) => r.id)));
}

/** A file's path relative to `root`, with `/` separators (may start with `../` when outside). */
export function relativePath(file: string, root: string): string {
  return path.relative(path.resolve(root), path.resolve(file)).split(path.sep).join('/');
}

/** A relative URI reference: each segment percent-encoded, never the machine's absolute path. */
function relativeUri(file: string, root: string): string {
  return relativePath(file, root)
    .split('/')
    .map((seg) => (seg === '..' ? seg : encodeURIComponent(seg)))
    .join('/');
}

/** Reads the files of a report once (null when a file cannot be read any more). */
export type SourceReader = (file: string) => string | null;

const readSource: SourceReader = (file) => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/** The text a finding points at (its region), whitespace collapsed; '' when unknown. */
function regionText(lines: string[] | null, x: Finding): string {
  if (!lines || x.statementIndex === null) return '';
  const endLine = Math.max(x.line, x.endLine);
  const slice = lines.slice(x.line - 1, endLine);
  if (slice.length === 0) return '';
  if (endLine > x.line || x.endColumn > x.column) {
    slice[slice.length - 1] = slice[slice.length - 1]!.slice(0, Math.max(0, x.endColumn - 1));
    slice[0] = slice[0]!.slice(Math.max(0, x.column - 1));
  }
  return slice.join(' ').replace(/\s+/g, ' ').trim();
}

/**
 * One fingerprint per finding: the rule, the file (relative to `root`), the normalised text of the
 * statement region it points at and its ordinal among findings of the same rule on identical text
 * in that file. Moving the statement (lines added above it) does not change it; the same finding on
 * two identical statements gets two fingerprints.
 */
export function findingFingerprints(report: LintReport, root: string, read: SourceReader = readSource): Map<Finding, string> {
  const out = new Map<Finding, string>();
  for (const f of report.files) {
    const text = read(f.path);
    const lines = text === null ? null : text.split(/\r?\n/);
    const seen = new Map<string, number>();
    const rel = relativePath(f.path, root);
    for (const x of f.findings) {
      const region = regionText(lines, x) || x.message;
      const key = `${x.rule}\0${region}`;
      const ordinal = seen.get(key) ?? 0;
      seen.set(key, ordinal + 1);
      out.set(x, crypto.createHash('sha256').update(`${x.rule}\0${rel}\0${region}\0${ordinal}`).digest('hex').slice(0, 40));
    }
  }
  return out;
}

export interface SarifOptions {
  /** the folder URIs are relative to (`--sarif-root`, default the repository root) */
  root?: string;
  /** the exit code of the run, recorded in `invocations` */
  exitCode?: number;
  read?: SourceReader;
}

function region(x: Finding) {
  return { startLine: x.line, startColumn: x.column, endLine: Math.max(x.endLine, x.line), endColumn: x.endLine > x.line || x.endColumn > x.column ? x.endColumn : x.column + 1 };
}

/** SARIF 2.1.0, as GitHub code scanning accepts it (relative URIs, rule metadata, in-source suppressions). */
export function toSarif(report: LintReport, version: string, opts: SarifOptions = {}): unknown {
  const root = opts.root ?? process.cwd();
  const rules: RuleInfo[] = listRules();
  const security = securityRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const fingerprints = findingFingerprints(report, root, opts.read);
  const results = report.files.flatMap((f) =>
    f.findings.map((x: Finding) => ({
      ruleId: x.rule,
      ...(index.has(x.rule) ? { ruleIndex: index.get(x.rule)! } : {}),
      level: level(x.severity),
      message: { text: x.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(f.path, root), uriBaseId: '%SRCROOT%' }, region: region(x) } }],
      partialFingerprints: { 'confitureFinding/v1': fingerprints.get(x)! },
      properties: { severity: x.severity },
      ...(x.suppressed ? { suppressions: [{ kind: 'inSource', status: 'accepted', justification: `${x.suppressed.via} (line ${x.suppressed.line}): ${x.suppressed.reason}` }] } : {}),
    })),
  );
  const exitCode = opts.exitCode ?? (report.summary.failed ? 1 : 0);
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'confiture',
            version,
            semanticVersion: version,
            informationUri: RULES_DOC_URL,
            rules: rules.map((r) => {
              const tags = [...new Set(r.libraries.map((l) => l.split('@')[0]!))];
              if (security.has(r.id)) tags.push('security');
              return {
                id: r.id,
                name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
                shortDescription: { text: r.summary },
                fullDescription: { text: r.rationale },
                helpUri: ruleHelpUri(r.id),
                help: { text: `${r.rationale}\n\nInstead: ${r.safeAlternative}`, markdown: `${r.rationale}\n\n**Instead:** ${r.safeAlternative}\n\n[Rule reference](${ruleHelpUri(r.id)})` },
                defaultConfiguration: { level: level(r.severity) },
                properties: { tags, precision: 'high', version: r.version, ...(security.has(r.id) ? { 'security-severity': SECURITY_SEVERITY[r.severity] } : {}) },
              };
            }),
          },
        },
        invocations: [
          {
            executionSuccessful: exitCode === 0 || exitCode === 1,
            exitCode,
            exitCodeDescription: exitCode === 0 ? 'no finding at or above failOn' : exitCode === 1 ? `findings at or above failOn (${report.summary.failOn})` : 'input error: a file could not be parsed or read',
            ...(report.configWarnings.length ? { toolConfigurationNotifications: report.configWarnings.map((w) => ({ level: 'warning', message: { text: w } })) } : {}),
          },
        ],
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
}

/** GitLab's scale: info, minor, major, critical, blocker. */
const CODE_QUALITY_SEVERITY: Record<Severity, 'info' | 'minor' | 'major' | 'critical'> = { info: 'info', warning: 'minor', error: 'major', critical: 'critical' };

/** GitLab Code Quality report (`artifacts:reports:codequality`): unsuppressed findings, paths relative to `root`. */
export function toCodeQuality(report: LintReport, opts: { root?: string; read?: SourceReader } = {}): unknown[] {
  const root = opts.root ?? process.cwd();
  const fingerprints = findingFingerprints(report, root, opts.read);
  return report.files.flatMap((f) =>
    f.findings
      .filter((x) => !x.suppressed)
      .map((x) => ({
        type: 'issue',
        check_name: x.rule,
        description: x.message,
        content: { body: `${x.help}\n\n${ruleHelpUri(x.rule)}` },
        categories: ['Bug Risk'],
        fingerprint: fingerprints.get(x)!,
        severity: CODE_QUALITY_SEVERITY[x.severity],
        location: { path: relativePath(f.path, root), lines: { begin: x.line, end: Math.max(x.line, x.endLine) } },
      })),
  );
}

/** Escapes text for one Markdown table cell (or inline text): pipes, newlines, HTML, emphasis. */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|#~])/g, '\\$1')
    .replace(/\r?\n/g, '<br>');
}

const SEVERITY_MARK: Record<Severity, string> = { critical: '🟥 critical', error: '🔴 error', warning: '🟠 warning', info: '🔵 info' };

/** The summary line shared by the text and Markdown reports. */
function summaryCounts(report: LintReport): string {
  const s = report.summary;
  const counts = (['critical', 'error', 'warning', 'info'] as Severity[]).filter((k) => s.bySeverity[k]).map((k) => `${s.bySeverity[k]} ${k}`);
  return `${counts.join(', ') || 'no findings'}${s.suppressed ? `, ${s.suppressed} suppressed` : ''}`;
}

/** Markdown for a pull-request comment: one table of findings, suppressed ones folded away. */
export function toMarkdown(report: LintReport, opts: { root?: string } = {}): string {
  const root = opts.root ?? process.cwd();
  const s = report.summary;
  const out: string[] = [];
  out.push(`### Lint: ${s.failed ? `❌ failed (fail-on ${s.failOn})` : `✅ passed (fail-on ${s.failOn})`}`, '');
  out.push(`${s.files} file${s.files === 1 ? '' : 's'}, ${s.statements} statement${s.statements === 1 ? '' : 's'} (PostgreSQL ${s.pgVersion}): ${summaryCounts(report)}`, '');
  for (const w of report.configWarnings) out.push(`> ⚠️ config: ${mdText(w)}`, '');
  const rows = report.files.flatMap((f) => f.findings.map((x) => ({ f, x })));
  const open = rows.filter((r) => !r.x.suppressed);
  const suppressed = rows.filter((r) => r.x.suppressed);
  const table = (list: typeof rows, last: 'instead' | 'suppressed by', cell: (x: Finding) => string) => [
    `| severity | where | rule | finding | ${last} |`,
    '|---|---|---|---|---|',
    ...list.map(({ f, x }) => `| ${SEVERITY_MARK[x.severity]} | \`${relativePath(f.path, root).replace(/`/g, "'").replace(/\|/g, "\\|")}:${x.line}\` | [${x.rule}](${ruleHelpUri(x.rule)}) | ${mdText(x.message)} | ${cell(x)} |`),
  ];
  if (open.length) out.push(...table(open, 'instead', (x) => mdText(x.help)), '');
  if (suppressed.length) {
    out.push(`<details><summary>${suppressed.length} suppressed finding${suppressed.length === 1 ? '' : 's'}</summary>`, '');
    out.push(...table(suppressed, 'suppressed by', (x) => mdText(`${x.suppressed!.via} (line ${x.suppressed!.line}): ${x.suppressed!.reason}`)), '', '</details>', '');
  }
  return out.join('\n');
}

export function toText(report: LintReport, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const sevColor: Record<Severity, string> = { info: '36', warning: '33', error: '31', critical: '1;31' };
  const out: string[] = [];
  for (const w of report.configWarnings) out.push(paint('33', `config: ${w}`));
  for (const f of report.files) {
    for (const x of f.findings) {
      const tag = x.suppressed ? paint('2', `suppressed (${x.suppressed.via}: ${x.suppressed.reason})`) : paint(sevColor[x.severity], x.severity);
      out.push(`${f.path}:${x.line}:${x.column}: ${tag} [${x.rule}] ${x.message}`);
      if (!x.suppressed) out.push(`    help: ${x.help}`);
    }
  }
  const s = report.summary;
  out.push(`${s.files} file${s.files === 1 ? '' : 's'}, ${s.statements} statements (PostgreSQL ${s.pgVersion}): ${summaryCounts(report)}; ${s.failed ? paint('31', `FAILED (fail-on ${s.failOn})`) : `passed (fail-on ${s.failOn})`}`);
  return out.join('\n') + '\n';
}

/** Files the PostgreSQL parser rejected (an unsuppressed `parse-error` at error severity): nothing in them could be checked. */
export function unparseableFiles(report: LintReport): string[] {
  return report.files.filter((f) => f.findings.some((x) => x.rule === 'parse-error' && !x.suppressed && (x.severity === 'error' || x.severity === 'critical'))).map((f) => f.path);
}
