/**
 * Suppression comments:
 *   -- confiture-ignore rule-a, rule-b: reason          (the next statement)
 *   -- confiture-ignore-file rule-a: reason             (the whole file)
 *   -- squawk-ignore rule / -- squawk-ignore-file [rules]  (mapped through each rule's equivalents)
 * A reason is required for confiture-ignore; suppressed findings are still reported, marked.
 * Unknown or removed rule ids and missing reasons are `invalid-suppression` findings.
 */
import type { Finding, Suppression } from '../../src-shared/domain/lint';
import type { ParsedFile } from '../parse';
import { REMOVED_RULES, RULES, getRule } from './registry';

export interface SuppressionSet {
  /** rule id → suppression for the whole file ('*' = every rule) */
  file: Map<string, Suppression>;
  /** statement index → rule id → suppression */
  statements: Map<number, Map<string, Suppression>>;
  problems: Finding[];
}

const DIRECTIVE = /^(confiture-ignore-file|confiture-ignore|squawk-ignore-file|squawk-ignore)(?=\s|$|:)(.*)$/is;

function commentBody(text: string): string {
  return text.startsWith('--') ? text.slice(2).trim() : text.replace(/^\/\*+/, '').replace(/\*+\/$/, '').trim();
}

let squawkMap: Map<string, string[]> | null = null;
/** squawk rule name → our rule ids whose equivalents list it */
function fromSquawk(name: string): string[] {
  if (!squawkMap) {
    squawkMap = new Map();
    for (const r of RULES) for (const s of r.equivalents.squawk ?? []) squawkMap.set(s, [...(squawkMap.get(s) ?? []), r.id]);
  }
  return squawkMap.get(name) ?? [];
}

export function readSuppressions(file: ParsedFile): SuppressionSet {
  const set: SuppressionSet = { file: new Map(), statements: new Map(), problems: [] };
  const comments = file.comments ?? [];
  if (comments.length === 0) return set;
  for (const c of comments) {
    const body = commentBody(c.text);
    const m = DIRECTIVE.exec(body);
    if (!m) continue;
    const via = m[1]!.toLowerCase();
    const rest = m[2]!.trim();
    const line = c.range.start.line;
    const problem = (message: string, help: string) =>
      set.problems.push({
        rule: 'invalid-suppression',
        severity: getRule('invalid-suppression')!.severity,
        message,
        help,
        line,
        column: c.range.start.column,
        endLine: c.range.end.line,
        endColumn: c.range.end.column,
        statementIndex: null,
      });
    let ids: string[];
    let reason: string;
    if (via.startsWith('confiture')) {
      const colon = rest.indexOf(':');
      ids = (colon >= 0 ? rest.slice(0, colon) : rest).split(/[\s,]+/).filter(Boolean);
      reason = colon >= 0 ? rest.slice(colon + 1).trim() : '';
      if (ids.length === 0) {
        problem(`${via} names no rule: say which rule to suppress.`, `-- ${via} <rule-id>: <reason>`);
        continue;
      }
      if (!reason) {
        problem(`${via} ${ids.join(', ')} gives no reason, so it is not applied: every suppression must say why the finding does not apply.`, `-- ${via} ${ids.join(', ')}: <why this is safe here>`);
        continue;
      }
    } else {
      const names = rest.split(/[\s,]+/).filter(Boolean);
      reason = `${via} (no reason given)`;
      ids = [];
      if (names.length === 0 && via === 'squawk-ignore-file') ids = ['*'];
      for (const n of names) {
        const mapped = fromSquawk(n);
        if (mapped.length === 0) problem(`${via} names "${n}", which is not a squawk rule Confiture maps to one of its rules.`, 'Use -- confiture-ignore <rule-id>: <reason> with a Confiture rule id (confiture lint --list-rules).');
        ids.push(...mapped);
      }
    }
    const valid: string[] = [];
    for (const id of ids) {
      if (id === '*') {
        valid.push(id);
        continue;
      }
      const rule = getRule(id);
      if (rule) {
        valid.push(id, ...(rule.deprecated?.replacement ?? []));
        continue;
      }
      const removed = REMOVED_RULES[id];
      problem(
        removed
          ? `Suppression names rule "${id}", which was removed in ${removed.removedIn}${removed.replacement ? `; use "${removed.replacement}"` : ''}.`
          : `Suppression names unknown rule "${id}": it suppresses nothing.`,
        'Use a rule id from `confiture lint --list-rules`.',
      );
    }
    const suppression: Suppression = { via, reason, line };
    if (via.endsWith('-file')) {
      for (const id of valid) set.file.set(id, suppression);
      continue;
    }
    const offset = c.range.end.offset;
    const target = file.statements.find((s) => s.range.start.offset >= offset);
    if (!target) continue;
    const map = set.statements.get(target.index) ?? new Map<string, Suppression>();
    for (const id of valid) map.set(id, suppression);
    set.statements.set(target.index, map);
  }
  return set;
}

/** The suppression covering a finding, if any. */
export function suppressionFor(set: SuppressionSet, finding: Finding): Suppression | undefined {
  const stmt = finding.statementIndex === null ? undefined : set.statements.get(finding.statementIndex);
  return stmt?.get(finding.rule) ?? stmt?.get('*') ?? set.file.get(finding.rule) ?? set.file.get('*');
}
