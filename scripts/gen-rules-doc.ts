/**
 * Generates docs/reference/rules.md from the rule and library metadata.
 * Run: npx tsx scripts/gen-rules-doc.ts   (a unit test fails when the checked-in file is stale)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { getRule, listLibraries, listRules, REMOVED_RULES } from '../src-main/lint';
import { LOCK_RULES, lockCoverage } from '../src-main/locks';
import { initParser } from '../src-main/parse';

export const RULES_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'reference', 'rules.md');

function eq(e: Record<string, string[] | undefined>): string {
  const parts = Object.entries(e)
    .filter(([, v]) => v && v.length)
    .map(([k, v]) => `${k}: ${v!.map((x) => `\`${x}\``).join(', ')}`);
  return parts.length ? parts.join('; ') : '—';
}

/**
 * What the parser knows, read from the AST type definitions that ship with libpg-query
 * (@pgsql/types): every `…Stmt` node and every ALTER TABLE sub-command (AlterTableType).
 */
export function parserKinds(): { statements: string[]; alterTable: string[] } {
  const dir = path.dirname(createRequire(import.meta.url).resolve('@pgsql/types/package.json', { paths: [path.dirname(createRequire(import.meta.url).resolve('libpg-query/package.json'))] }));
  const types = fs.readFileSync(path.join(dir, 'types.d.ts'), 'utf8');
  const enums = fs.readFileSync(path.join(dir, 'enums.d.ts'), 'utf8');
  const statements = [...types.matchAll(/^export interface ([A-Za-z]+Stmt) \{/gm)].map((m) => m[1]!);
  const union = /export type AlterTableType = ([^;]+);/.exec(enums)?.[1] ?? '';
  const alterTable = [...union.matchAll(/"(AT_[A-Za-z]+)"/g)].map((m) => m[1]!);
  return { statements: [...new Set(statements)], alterTable: [...new Set(alterTable)] };
}

/** Sub-commands PostgreSQL builds internally (never parsed from SQL a migration can hold). */
const INTERNAL_SUBCOMMANDS = new Set(['AT_AddColumnToView', 'AT_CookedColumnDefault', 'AT_AddIndex', 'AT_ReAddIndex', 'AT_ReAddConstraint', 'AT_ReAddDomainConstraint', 'AT_ReAddComment', 'AT_ReAddStatistics', 'AT_AddIndexConstraint', 'AT_DropOids']);
/** Statement types that are not schema changes: queries, cursors, session and server commands, PL/pgSQL internals. */
const NOT_DDL = new Set([
  'ExplainStmt', 'FetchStmt', 'ClosePortalStmt', 'DeclareCursorStmt', 'PLAssignStmt', 'ReturnStmt', 'RawStmt', 'SetOperationStmt', 'ExecuteStmt', 'PrepareStmt',
  'DeallocateStmt', 'LoadStmt', 'ListenStmt', 'NotifyStmt', 'UnlistenStmt', 'CheckPointStmt', 'DiscardStmt', 'ConstraintsSetStmt', 'CopyStmt', 'VariableShowStmt',
  'TransactionStmt', 'CreatedbStmt', 'DropdbStmt', 'AlterDatabaseStmt', 'AlterDatabaseSetStmt', 'AlterDatabaseRefreshCollStmt', 'AlterSystemStmt', 'CreateTableSpaceStmt',
  'DropTableSpaceStmt', 'AlterTableSpaceOptionsStmt', 'CreateRoleStmt', 'AlterRoleStmt', 'AlterRoleSetStmt', 'DropRoleStmt', 'CreateSubscriptionStmt',
  'AlterSubscriptionStmt', 'DropSubscriptionStmt', 'ReassignOwnedStmt', 'DropOwnedStmt',
]);

function pct(a: number, b: number): string {
  return b ? `${((100 * a) / b).toFixed(1)} %` : '—';
}

/** The lock-knowledge coverage section (the parser must be loaded). */
export function renderCoverage(): string[] {
  const c = lockCoverage(parserKinds());
  const traced = LOCK_RULES.reduce((n, r) => n + (r.example ? 1 : 0) + (r.moreExamples?.length ?? 0), 0);
  return [
    '## Lock knowledge coverage',
    '',
    `The lock table (\`src-main/locks\`, ${LOCK_RULES.length} rows) is the only lock knowledge: lint messages, timeout and foreign-key rules, the risk model, \`confiture locks\` and the screens all ask it. ${traced} examples (one or more per row) \`tests/integration/locks\` runs on PostgreSQL 15 and 18 in a rolled-back transaction, comparing pg_locks (every relation), relfilenode (rewrites) and sequential-scan counters with the analysis. Locks DML takes on other relations — the foreign-key checks and cascades on referenced and referencing tables, the partitions an INSERT is routed to — are pinned the same way by \`tests/integration/locks/dml-routing.test.ts\`. See docs/reference/locks.md.`,
    '',
    '| kinds | verified against the server | known to the parser | coverage |',
    '|---|---|---|---|',
    `| statement types (all the parser knows) | ${c.verified.statements.length} | ${c.known.statements.length} | ${pct(c.verified.statements.length, c.known.statements.length)} |`,
    `| statement types a migration can hold (no queries, cursors, roles, databases, tablespaces, subscriptions) | ${c.verified.statements.filter((x) => !NOT_DDL.has(x)).length} | ${c.known.statements.filter((x) => !NOT_DDL.has(x)).length} | ${pct(c.verified.statements.filter((x) => !NOT_DDL.has(x)).length, c.known.statements.filter((x) => !NOT_DDL.has(x)).length)} |`,
    `| ALTER TABLE sub-commands (all) | ${c.verified.alterTable.length} | ${c.known.alterTable.length} | ${pct(c.verified.alterTable.length, c.known.alterTable.length)} |`,
    `| ALTER TABLE sub-commands written in SQL (not built internally) | ${c.verified.alterTable.filter((x) => !INTERNAL_SUBCOMMANDS.has(x)).length} | ${c.known.alterTable.filter((x) => !INTERNAL_SUBCOMMANDS.has(x)).length} | ${pct(c.verified.alterTable.filter((x) => !INTERNAL_SUBCOMMANDS.has(x)).length, c.known.alterTable.filter((x) => !INTERNAL_SUBCOMMANDS.has(x)).length)} |`,
    '',
    `Verified statement types: ${c.verified.statements.map((x) => `\`${x}\``).join(', ')}.`,
    '',
    `Verified ALTER TABLE sub-commands: ${c.verified.alterTable.map((x) => `\`${x}\``).join(', ')}.`,
    '',
    `Not verified, schema changes (the lock table still answers for most; an unknown statement is assumed ACCESS EXCLUSIVE on every relation it names; statements that can only run outside a transaction block — \`CREATE INDEX CONCURRENTLY\`, \`VACUUM\`, \`REINDEX CONCURRENTLY\`, \`DETACH PARTITION CONCURRENTLY\` — cannot be traced this way and follow the documentation): ${c.missing.statements.filter((x) => !NOT_DDL.has(x)).map((x) => `\`${x}\``).join(', ')}.`,
    '',
    `Not verified, not schema changes: ${c.missing.statements.filter((x) => NOT_DDL.has(x)).map((x) => `\`${x}\``).join(', ')}.`,
    '',
    `Not verified, ALTER TABLE sub-commands written in SQL (assumed ACCESS EXCLUSIVE unless the lock table says otherwise): ${c.missing.alterTable.filter((x) => !INTERNAL_SUBCOMMANDS.has(x)).map((x) => `\`${x}\``).join(', ')}; built internally: ${c.missing.alterTable.filter((x) => INTERNAL_SUBCOMMANDS.has(x)).map((x) => `\`${x}\``).join(', ')}.`,
    '',
  ];
}

export function renderRulesDoc(): string {
  const rules = listRules();
  const libs = listLibraries();
  const out: string[] = [
    '# Lint rules',
    '',
    '<!-- GENERATED by scripts/gen-rules-doc.ts from the rule metadata. Do not edit; run `npx tsx scripts/gen-rules-doc.ts`. -->',
    '',
    `${rules.length} rules. Each has a semantic version, a default severity (info < warning < error < critical), the libraries that include it, and its equivalents in squawk, eugene, Atlas and strong_migrations so existing ignores can be mapped (\`-- squawk-ignore <name>\` is honoured through this table).`,
    '',
    'Suppress with `-- confiture-ignore <rule-id>: <reason>` (next statement) or `-- confiture-ignore-file <rule-id>: <reason>` (whole file). A reason is required; suppressed findings are still reported.',
    '',
    'Rules marked *size-sensitive* are raised one level on tables with ≥ 1M rows or ≥ 1 GB and lowered one level on tables with < 10k rows and < 10 MB when a catalog snapshot is available.',
    '',
    'Rules marked *also inside DO blocks* read the static SQL statements of plpgsql `DO` bodies too (the real PL/pgSQL parser, not text matching): a finding points at the block and says so, and says when an `IF`, a loop or an exception handler decides whether the statement runs; a table created earlier in the block is new. Dynamic SQL (`EXECUTE`) and other languages are not read (the lock verdict says so). squawk does not look inside DO blocks: these findings are deliberate differences.',
    '',
    '## Libraries',
    '',
    '| library | version | rules | description |',
    '|---|---|---|---|',
    ...libs.map((l) => `| ${l.name} | ${l.version} | ${l.rules.length} | ${l.description} |`),
    '',
    '## Index',
    '',
    '| rule | version | severity | libraries |',
    '|---|---|---|---|',
    ...rules.map((r) => `| [${r.id}](#${r.id}) | ${r.version} | ${r.severity} | ${r.libraries.join(', ') || '(opt-in via overrides)'} |`),
    '',
  ];
  for (const r of rules) {
    const def = getRule(r.id)!;
    out.push(`## ${r.id}`, '');
    out.push(`**${r.summary}**`, '');
    out.push(`- version ${r.version}, default severity **${r.severity}**${r.sizeSensitive ? ', size-sensitive' : ''}${r.doBlocks ? ', also inside DO blocks' : ''}`);
    out.push(`- libraries: ${r.libraries.join(', ') || 'none (enable with `lint.overrides`)'}`);
    out.push(`- equivalents: ${eq(r.equivalents as Record<string, string[] | undefined>)}`);
    if (r.deprecated) out.push(`- **deprecated** since ${r.deprecated.since}: use ${r.deprecated.replacement.map((x) => `\`${x}\``).join(' and ')} (${r.deprecated.reason})`);
    if (def.defaultOptions && Object.keys(def.defaultOptions as object).length) out.push(`- options: ${Object.keys(def.defaultOptions as object).map((k) => `\`${k}\``).join(', ')}`);
    out.push('', r.rationale, '', `**Instead:** ${r.safeAlternative}`, '');
    if (def.example) out.push('Bad:', '', '```sql', def.example.bad, '```', '', 'Good:', '', '```sql', def.example.good, '```', '');
  }
  out.push(...renderCoverage());
  out.push('## Removed rules', '', 'Configuration or suppressions naming these ids are errors that name the replacement.', '');
  for (const [id, r] of Object.entries(REMOVED_RULES)) out.push(`- \`${id}\` — removed in ${r.removedIn}${r.replacement ? `, use \`${r.replacement}\`` : ''}: ${r.reason}`);
  out.push('');
  return out.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await initParser();
  fs.writeFileSync(RULES_DOC, renderRulesDoc());
  console.log(`wrote ${path.relative(process.cwd(), RULES_DOC)}`);
}
