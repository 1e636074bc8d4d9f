/**
 * Markdown reports for pull requests (`confiture risk --format markdown`, the GitHub Action's
 * comment). The lint part is `toMarkdown` of src-main/lint; this file renders the risk report:
 * level, score with its interval, predicted blocking window with its 90 % interval, the locks each
 * statement takes, and the approvals the project still needs.
 */
import type { ApprovalState, MigrationRisk, RiskLevel } from '../../src-shared/domain/risk';
import { formatDuration, formatScore } from '../../src-shared/format';
import { mdText } from '../lint';

const LEVEL_MARK: Record<RiskLevel, string> = { low: '🟢 low', medium: '🟡 medium', high: '🟠 high', critical: '🔴 critical' };

export interface MigrationApproval {
  /** the project requires a sign-off at this level (risk.requireApprovalAbove) */
  required: boolean;
  state: ApprovalState['state'];
  reason: string;
}

export interface RiskMarkdownInput {
  connection: string;
  pgVersion: number;
  maxRisk: number | null;
  exceeded: string[];
  requireApprovalAbove: RiskLevel | null;
  migrations: (MigrationRisk & { approval: MigrationApproval })[];
}

/** Inside HTML (`<summary>`) Markdown escapes are not read: escape HTML only. */
const html = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

function approvalCell(a: MigrationApproval): string {
  if (!a.required) return a.state === 'approved' ? '✅ approved' : '—';
  return a.state === 'approved' ? '✅ approved' : `❗ needed (${a.state})`;
}

export function riskMarkdown(r: RiskMarkdownInput): string {
  const out: string[] = [];
  const worst = r.migrations.reduce<MigrationRisk | null>((w, m) => (!w || m.score > w.score ? m : w), null);
  const failed = r.exceeded.length > 0;
  out.push(`### Risk: ${failed ? `❌ above maxRisk ${r.maxRisk} (${r.exceeded.join(', ')})` : worst ? `highest ${LEVEL_MARK[worst.level]} (${formatScore(worst.score)})` : 'no pending migration'}`, '');
  out.push(`On ${mdText(r.connection)} (PostgreSQL ${r.pgVersion}). Score 0–100 with its interval; blocking window: how long other sessions would wait, with its 90 % interval.`, '');
  if (r.migrations.length === 0) return out.join('\n') + '\n';
  out.push('| migration | risk | score [interval] | blocks others (90 %) | approval |', '|---|---|---|---|---|');
  for (const m of r.migrations) {
    const w = m.blockingWindowMs;
    out.push(`| ${code(`${m.version} ${m.name}`)} | ${LEVEL_MARK[m.level]} | ${formatScore(m.score)} [${m.interval[0]}–${m.interval[1]}] | ~${formatDuration(w.estimate)} (${formatDuration(w.low)}–${formatDuration(w.high)}) | ${approvalCell(m.approval)} |`);
  }
  out.push('');
  for (const m of r.migrations) {
    out.push(`<details><summary>${html(`${m.version} ${m.name}`)}: locks and risk factors</summary>`, '');
    out.push('| line | statement | locks taken | rewrites | scans | blocks | safer |', '|---|---|---|---|---|---|---|');
    for (const s of m.statements) {
      const locks = s.locks.filter((l) => l.existing).map((l) => `${l.mode} on ${l.relation}`);
      const blocks = [s.blocks.reads ? 'reads' : null, s.blocks.writes ? 'writes' : null].filter(Boolean).join(', ') || '—';
      out.push(`| ${s.line} | ${mdText(s.kind)} | ${locks.length ? mdText(locks.join('; ')) : '—'} | ${s.rewrites ? 'yes' : 'no'} | ${s.scans ? 'yes' : 'no'} | ${blocks} | ${s.safeAlternative ? mdText(s.safeAlternative) : '—'} |`);
    }
    out.push('');
    const factors = [...m.factors].sort((a, b) => b.contribution - a.contribution).filter((f) => f.contribution > 0).slice(0, 5);
    if (factors.length) out.push(...factors.map((f) => `- **${mdText(f.name)}** +${f.contribution.toFixed(1)}: ${mdText(f.explanation)}`), '');
    for (const fl of m.floors) out.push(`- floor: ${mdText(fl)}`);
    if (m.floors.length) out.push('');
    out.push('</details>', '');
  }
  const needed = r.migrations.filter((m) => m.approval.required && m.approval.state !== 'approved');
  if (needed.length) {
    out.push(`**Approvals still needed** (the project requires one above \`${r.requireApprovalAbove}\`):`, '');
    for (const m of needed) out.push(`- ${code(m.version)} ${LEVEL_MARK[m.level]}: ${mdText(m.approval.reason)} — \`confiture approve ${m.version} --by NAME --comment "…"\``);
    out.push('');
  } else if (r.requireApprovalAbove !== null) out.push(`No approval needed beyond those recorded (the project requires one above \`${r.requireApprovalAbove}\`).`, '');
  return out.join('\n');
}
