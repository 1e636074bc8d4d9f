/**
 * Our lint against squawk, file by file and rule by rule, on any folder of .sql files.
 *
 *   npx tsx bench/lint/squawk-agreement.ts <dir> [<dir>…]
 *
 * squawk (bench/.peers, installed on demand by bench/peers.ts) and `lintPaths` with every rule
 * that has a squawk equivalent switched on, PostgreSQL 15 (squawk's default), each file alone
 * (squawk has no plan). A (file, squawk rule) pair agrees when both report it or neither does;
 * our side reports it when one of our rules listing that squawk rule among its equivalents fires.
 * Disagreements are printed, to be read one by one (docs/reference/rules.md explains the
 * deliberate ones in each rule's metadata).
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { collectSqlFiles, composeRuleSet, lintPaths, listRules } from '../../src-main/lint';
import { peerBinary } from '../peers';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: npx tsx bench/lint/squawk-agreement.ts <dir-of-.sql-files> [...]');
  process.exit(2);
}
const files = collectSqlFiles(dirs);
const squawk = peerBinary('squawk');

// squawk's opt-in rules and its deprecated alias are not in its default run; its alias names
const SQUAWK_OFF_BY_DEFAULT = new Set(['require-table-schema', 'require-timeout-settings']);
const SQUAWK_ALIAS: Record<string, string> = { 'prefer-timestamptz': 'prefer-timestamp-tz' };
// our rules by the squawk rule they stand for
const bySquawk = new Map<string, string[]>();
for (const r of listRules())
  for (const s0 of r.equivalents.squawk ?? []) {
    const s = SQUAWK_ALIAS[s0] ?? s0;
    if (!SQUAWK_OFF_BY_DEFAULT.has(s)) bySquawk.set(s, [...(bySquawk.get(s) ?? []), r.id]);
  }
const overrides = Object.fromEntries([...new Set([...bySquawk.values()].flat())].map((id) => [id, {}]));

async function main(): Promise<void> {
  const ruleSet = composeRuleSet({ libraries: [], overrides, pgVersion: 15 } as never);
  const ours = await lintPaths(files, { ruleSet });
  let raw: string;
  try {
    raw = execFileSync(squawk, ['--reporter', 'json', ...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    raw = String((e as { stdout?: string }).stdout ?? '[]'); // exit 1 when it finds something
  }
  const theirs = JSON.parse(raw) as { file: string; rule_name: string; line: number; message: string }[];
  let agree = 0;
  let onlyUs = 0;
  let onlySquawk = 0;
  const diffs: string[] = [];
  for (const f of files) {
    const mine = new Set((ours.files.find((x) => x.path === f)?.findings ?? []).filter((x) => !x.suppressed).map((x) => x.rule));
    const their = theirs.filter((t) => path.resolve(t.file) === path.resolve(f));
    for (const [sq, ids] of bySquawk) {
      const we = ids.some((id) => mine.has(id));
      const they = their.some((t) => (SQUAWK_ALIAS[t.rule_name] ?? t.rule_name) === sq);
      if (we === they) {
        if (we) agree++;
        continue;
      }
      if (we) onlyUs++;
      else onlySquawk++;
      const t = their.find((x) => (SQUAWK_ALIAS[x.rule_name] ?? x.rule_name) === sq);
      diffs.push(`${we ? 'only us    ' : 'only squawk'} ${sq.padEnd(38)} ${path.basename(f)}${t ? `:${t.line + 1} ${t.message.slice(0, 90)}` : ''}`);
    }
  }
  console.log(`${files.length} files; squawk rules with an equivalent: ${bySquawk.size}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`file/rule pairs where both report: ${agree}; only we report: ${onlyUs}; only squawk reports: ${onlySquawk}`);
  for (const d of diffs.sort()) console.log(`  ${d}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
