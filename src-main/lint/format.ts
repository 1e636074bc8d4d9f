/** Output formats: the CLI's json shape, SARIF 2.1.0 for code scanning, and text for terminals. */
import path from 'node:path';
import crypto from 'node:crypto';
import type { Finding, LintReport, RuleInfo, Severity } from '../../src-shared/domain/lint';
import { listRules } from './catalogue';

/** `{"files":[{"path","findings":[{"rule","severity","message","line","column","help"}]}],"summary":{...}}` */
export function toJson(report: LintReport): unknown {
  return {
    files: report.files.map((f) => ({
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
    })),
    summary: { ...report.summary, configWarnings: report.configWarnings },
  };
}

function level(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'critical' || s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

const SECURITY_SEVERITY: Record<Severity, string> = { info: '2.0', warning: '5.0', error: '7.5', critical: '9.5' };

function uri(file: string, root: string): string {
  const rel = path.relative(root, path.resolve(file));
  return (rel.startsWith('..') ? path.resolve(file) : rel).split(path.sep).join('/');
}

/** SARIF 2.1.0, as GitHub code scanning accepts it (relative URIs, rule metadata, in-source suppressions). */
export function toSarif(report: LintReport, version: string, root = process.cwd()): unknown {
  const rules: RuleInfo[] = listRules();
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = report.files.flatMap((f) =>
    f.findings.map((x: Finding) => ({
      ruleId: x.rule,
      ruleIndex: index.get(x.rule) ?? 0,
      level: level(x.severity),
      message: { text: `${x.message}\nHelp: ${x.help}` },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: uri(f.path, root), uriBaseId: '%SRCROOT%' },
            region: { startLine: x.line, startColumn: x.column, endLine: Math.max(x.endLine, x.line), endColumn: x.endLine > x.line || x.endColumn > x.column ? x.endColumn : x.column + 1 },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: crypto.createHash('sha256').update(`${x.rule}:${uri(f.path, root)}:${x.message}`).digest('hex').slice(0, 32) },
      properties: { severity: x.severity },
      ...(x.suppressed ? { suppressions: [{ kind: 'inSource', justification: x.suppressed.reason }] } : {}),
    })),
  );
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
            informationUri: 'https://github.com/confiture/confiture-desktop/blob/main/docs/reference/rules.md',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
              shortDescription: { text: r.summary },
              fullDescription: { text: r.rationale },
              help: { text: `${r.rationale}\n\nInstead: ${r.safeAlternative}`, markdown: `${r.rationale}\n\n**Instead:** ${r.safeAlternative}` },
              defaultConfiguration: { level: level(r.severity) },
              properties: { tags: r.libraries.length ? r.libraries.map((l) => l.split('@')[0]) : [], precision: 'high', 'security-severity': SECURITY_SEVERITY[r.severity], version: r.version },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${root.split(path.sep).join('/').replace(/\/?$/, '/')}` } },
        results,
      },
    ],
  };
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
  const counts = (['critical', 'error', 'warning', 'info'] as Severity[]).filter((k) => s.bySeverity[k]).map((k) => `${s.bySeverity[k]} ${k}`);
  out.push(
    `${s.files} file${s.files === 1 ? '' : 's'}, ${s.statements} statements (PostgreSQL ${s.pgVersion}): ${counts.join(', ') || 'no findings'}${s.suppressed ? `, ${s.suppressed} suppressed` : ''}; ${s.failed ? paint('31', `FAILED (fail-on ${s.failOn})`) : `passed (fail-on ${s.failOn})`}`,
  );
  return out.join('\n') + '\n';
}
