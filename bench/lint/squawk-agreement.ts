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
 *
 * `--statements` compares (file, statement, squawk rule) instead: a squawk finding belongs to the
 * statement (of our parse) whose source range holds its line, one of ours to its statementIndex,
 * so two reports on different statements of one file no longer count as agreement.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { collectSqlFiles, composeRuleSet, lintPaths, listRules } from '../../src-main/lint';
import { initParser, parseSql } from '../../src-main/parse';
import { peerBinary } from '../peers';

const dirs = process.argv.slice(2).filter((a) => !a.startsWith('--'));
if (dirs.length === 0) {
  console.error('usage: npx tsx bench/lint/squawk-agreement.ts <dir-of-.sql-files> [...]');
  process.exit(2);
}
const byStatement = process.argv.includes('--statements');
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
  if (byStatement) await initParser();
  for (const f of files) {
    const ourFindings = (ours.files.find((x) => x.path === f)?.findings ?? []).filter((x) => !x.suppressed);
    const their = theirs.filter((t) => path.resolve(t.file) === path.resolve(f));
    // the unit compared: the whole file, or each statement of our parse (squawk's 0-based line → the statement holding it)
    const ranges = byStatement ? parseSql(fs.readFileSync(f, 'utf8'), f).statements.map((st) => st.range) : [];
    const stmtOfLine = (line: number) => ranges.findIndex((r) => r.start.line <= line && line <= r.end.line);
    const units = byStatement ? [...new Set([...ourFindings.map((x) => x.statementIndex ?? -1), ...their.map((t) => stmtOfLine(t.line + 1))])] : [null];
    for (const unit of units)
      for (const [sq, ids] of bySquawk) {
        const we = ourFindings.some((x) => ids.includes(x.rule) && (unit === null || (x.statementIndex ?? -1) === unit));
        const t = their.find((x) => (SQUAWK_ALIAS[x.rule_name] ?? x.rule_name) === sq && (unit === null || stmtOfLine(x.line + 1) === unit));
        const they = !!t;
        if (we === they) {
          if (we) agree++;
          continue;
        }
        if (we) onlyUs++;
        else onlySquawk++;
        const mine = ourFindings.find((x) => ids.includes(x.rule) && (unit === null || (x.statementIndex ?? -1) === unit));
        diffs.push(`${we ? 'only us    ' : 'only squawk'} ${sq.padEnd(38)} ${path.basename(f)}${t ? `:${t.line + 1} ${t.message.slice(0, 90)}` : mine ? `:${mine.line} ${mine.rule}` : ''}`);
      }
  }
  console.log(`${files.length} files; squawk rules with an equivalent: ${bySquawk.size}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`${byStatement ? 'file/statement/rule triples' : 'file/rule pairs'} where both report: ${agree}; only we report: ${onlyUs}; only squawk reports: ${onlySquawk}`);
  for (const d of diffs.sort()) console.log(`  ${d}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
