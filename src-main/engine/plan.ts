/**
 * What a run will do: which migrations, in which order, their statements (from the one parse)
 * and where the transaction boundaries are. Every refusal (parse error, a file with its own
 * BEGIN/COMMIT, a missing down file, checksum drift) happens here, before anything runs.
 */
import path from 'node:path';
import type { AppliedMigration } from '../store';
import type { DriftEntry, Direction, PlannedMigration, RunPlan } from '../../src-shared/domain/runner';
import type { MigrationFile } from '../../src-shared/domain/project';
import { quoteIdent } from '../db';
import { ConfitureError } from '../errors';
import { initParser, type ParsedFile } from '../parse';
import { parseSqlCached } from '../parse/cache';
import { canonicalVersion, compareVersions, readMigrationSql, type Project } from '../project';
import type { EngineConfig } from './config';

export interface PlanOptions {
  direction: Direction;
  /** up: apply up to and including this version; down: revert every migration above it */
  to?: string;
  /** up: at most N migrations; down: the N newest (default 1) */
  steps?: number;
}

/** Parses a migration file and throws a located error when it cannot run safely. */
export function parseMigrationFile(file: string, text: string): ParsedFile {
  const parsed = parseSqlCached(text, file);
  const err = parsed.problems.find((p) => p.severity === 'error');
  if (err) {
    throw new ConfitureError('parse_error', `${path.basename(file)}:${err.line}:${err.column}: ${err.message}`, { file, line: err.line, column: err.column });
  }
  const tx = parsed.statements.find((s) => s.txControl !== null);
  if (tx) {
    throw new ConfitureError(
      'parse_error',
      `${path.basename(file)}:${tx.range.start.line}: the file manages its own transaction (${tx.sql.slice(0, 40)}). ` +
        'Remove BEGIN/COMMIT/ROLLBACK: Confiture runs each migration in one transaction with its tracking row ' +
        '(use `-- confiture: no-transaction` for statements that cannot run in one).',
      { file, line: tx.range.start.line, column: tx.range.start.column },
    );
  }
  return parsed;
}

function indexNameOf(node: Record<string, unknown>): string | null {
  const idx = node.idxname as string | undefined;
  if (!idx) return null;
  const schema = (node.relation as { schemaname?: string } | undefined)?.schemaname;
  return schema ? `${quoteIdent(schema)}.${quoteIdent(idx)}` : quoteIdent(idx);
}

export function planMigration(m: MigrationFile, direction: Direction, file: string, checksum: string, parsed: ParsedFile, config: EngineConfig): PlannedMigration {
  const nonTx = parsed.statements.find((s) => !s.transactional);
  const transaction = parsed.directives.noTransaction || nonTx ? 'none' : 'transaction';
  const planned: PlannedMigration = {
    version: m.version,
    name: m.name,
    path: file,
    checksum,
    direction,
    transaction,
    lockTimeoutMs: parsed.directives.lockTimeoutMs ?? config.lockTimeout,
    statementTimeoutMs: parsed.directives.statementTimeoutMs ?? config.statementTimeout,
    statements: parsed.statements.map((s) => {
      const indexName = s.nodeType === 'IndexStmt' ? indexNameOf(s.node) : null;
      return {
        index: s.index,
        kind: s.kind,
        line: s.range.start.line,
        column: s.range.start.column,
        sql: s.sql,
        transactional: s.transactional,
        ...(indexName ? { indexName } : {}),
      };
    }),
  };
  if (transaction === 'none') {
    planned.transactionReason = parsed.directives.noTransaction
      ? 'the file asks for it (-- confiture: no-transaction)'
      : `line ${nonTx!.range.start.line}: ${nonTx!.kind} cannot run inside a transaction block`;
  }
  return planned;
}

/** Applied migrations whose file changed on disk. */
export function findDrift(project: Project, applied: AppliedMigration[]): DriftEntry[] {
  const files = new Map(project.migrations.map((m) => [canonicalVersion(m.version), m]));
  const out: DriftEntry[] = [];
  for (const a of applied) {
    const f = files.get(canonicalVersion(a.version));
    if (f && f.checksum !== a.checksum) out.push({ version: a.version, name: a.name, appliedChecksum: a.checksum, fileChecksum: f.checksum });
  }
  return out.sort((x, y) => compareVersions(x.version, y.version));
}

/** Builds the plan against what the database says is applied. Pure apart from reading the files. */
export async function buildPlan(project: Project, applied: AppliedMigration[], opts: PlanOptions): Promise<RunPlan> {
  await initParser();
  const config = project.config.engine;
  const appliedSet = new Map(applied.map((a) => [canonicalVersion(a.version), a]));
  if (opts.to !== undefined && !project.migrations.some((m) => canonicalVersion(m.version) === canonicalVersion(opts.to!)) && !appliedSet.has(canonicalVersion(opts.to)) && opts.to !== '0') {
    throw new ConfitureError('not_found', `--to ${opts.to}: no migration with that version`, { field: 'to' });
  }
  const drift = findDrift(project, applied);
  const migrations: PlannedMigration[] = [];
  if (opts.direction === 'up') {
    let pending = project.migrations.filter((m) => !appliedSet.has(canonicalVersion(m.version)));
    if (opts.to !== undefined) pending = pending.filter((m) => compareVersions(canonicalVersion(m.version), canonicalVersion(opts.to!)) <= 0);
    if (opts.steps !== undefined) pending = pending.slice(0, opts.steps);
    for (const m of pending) {
      const parsed = parseMigrationFile(m.upPath, readMigrationSql(m.upPath));
      migrations.push(planMigration(m, 'up', m.upPath, m.checksum, parsed, config));
    }
  } else {
    const files = new Map(project.migrations.map((m) => [canonicalVersion(m.version), m]));
    let targets = [...applied].sort((a, b) => compareVersions(b.version, a.version));
    if (opts.to !== undefined) targets = targets.filter((a) => compareVersions(canonicalVersion(a.version), canonicalVersion(opts.to!)) > 0);
    else targets = targets.slice(0, opts.steps ?? 1);
    for (const a of targets) {
      const m = files.get(canonicalVersion(a.version));
      if (!m) throw new ConfitureError('project_error', `Cannot revert ${a.version}_${a.name}: its files are no longer in ${project.migrationsDir}`, { field: 'version' });
      if (!m.downPath) {
        throw new ConfitureError('project_error', `Cannot revert ${m.version}_${m.name}: there is no ${m.version}_${m.name}.down.sql`, { file: m.upPath });
      }
      const parsed = parseMigrationFile(m.downPath, readMigrationSql(m.downPath));
      // the tracking row keeps the up checksum: that is what we delete
      migrations.push(planMigration(m, 'down', m.downPath, a.checksum, parsed, config));
    }
  }
  return { direction: opts.direction, migrations, drift };
}
