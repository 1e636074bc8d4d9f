/**
 * `confiture drift --db URL`, `confiture baseline --db URL --version V` and
 * `confiture down draft VERSION`.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import type pg from 'pg';
import { EXIT } from '../../../src-shared/errors';
import { baseline, driftCheck, type Difference } from '../../drift';
import { draftDown } from '../../drift/down';
import { findMigration, openValidProject, readMigrationSql } from '../../project';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { embeddedDatabaseFor, openSession, type CliSession } from '../session';
import { notice } from '../terminal';

interface DriftCliOptions {
  project: string;
  db?: string;
  scratch?: string;
  format: string;
  upTo?: string;
  version?: string;
  by?: string;
  write?: boolean;
}

async function scratchOf(session: CliSession, scratch: string | undefined) {
  const target = !scratch || scratch === 'embedded' ? ({ kind: 'embedded' } as const) : ({ kind: 'url', url: scratch } as const);
  return (await session.ctx.connections.resolve(target)).resolved;
}

/** Runs `fn` with a session on --db (or the embedded server) and a client of its own on the live database. */
async function withLiveDatabase(o: { db?: string }, projectName: string, fn: (session: CliSession, live: pg.Client) => Promise<void>): Promise<void> {
  const session = await openSession(o.db, embeddedDatabaseFor(projectName));
  try {
    const live = await session.ctx.connections.client(session.connection.id);
    try {
      await fn(session, live);
    } finally {
      await live.end();
    }
  } finally {
    await session.close();
  }
}

function printDifferences(diffs: Difference[]): void {
  for (const d of diffs) {
    process.stdout.write(`  ${d.change.padEnd(7)} ${d.message}\n`);
    for (const line of d.sql.split('\n')) process.stdout.write(`      ${line}\n`);
  }
}

function version(v: string | undefined, flag: string): string | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+(\.\d+)*$/.test(v)) throw new UsageError(`${flag} must be a migration version such as 0007 (got "${v.slice(0, 64)}")`);
  return v;
}

export function registerDrift(program: Command, setExit: (code: number) => void): void {
  const common = (c: Command) =>
    c
      .option('-p, --project <dir>', 'project folder', '.')
      .option('--db <url>', 'the live database: a URL, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
      .option('--scratch <url>', 'server for the scratch database the migrations are applied to (default: the embedded server)')
      .option('--format <format>', 'text or json', 'text');

  common(program.command('drift').description("Compare the live schema with what its applied migrations produce (catalog diff), with the SQL that reconciles each difference"))
    .option('--up-to <version>', 'compare with the migrations up to this version instead of those applied')
    .action(async (o: DriftCliOptions) => {
      let format = 'text';
      try {
        format = parseFormat(o.format);
        const upTo = version(o.upTo, '--up-to');
        const project = openValidProject(o.project);
        await withLiveDatabase(o, project.name, async (session, live) => {
          const report = await driftCheck(project, live, { scratch: await scratchOf(session, o.scratch), ...(upTo ? { upTo } : {}) });
          if (format === 'json') printJson({ connection: session.connection.label, ...report });
          else {
            process.stdout.write(`${project.name} on ${session.connection.label}: ${report.differences.length === 0 ? 'no drift' : `${report.differences.length} difference(s)`} from migrations ${report.versions.length ? `${report.versions[0]}…${report.versions.at(-1)}` : '(none applied)'}\n`);
            printDifferences(report.differences);
            if (report.note) notice(`note: ${report.note}`);
          }
          setExit(report.differences.length === 0 ? EXIT.ok : EXIT.policy);
        });
      } catch (e) {
        setExit(reportError(e, format));
      }
    });

  common(program.command('baseline').description('Adopt an existing database: record migrations up to --version as applied without running them, if the schema matches them'))
    .requiredOption('--version <version>', 'the last migration the database already contains')
    .option('--by <name>', 'who adopts it (recorded)')
    .action(async (o: DriftCliOptions) => {
      let format = 'text';
      try {
        format = parseFormat(o.format);
        const v = version(o.version, '--version')!;
        const project = openValidProject(o.project);
        findMigration(project, v);
        await withLiveDatabase(o, project.name, async (session, live) => {
          const r = await baseline(project, live, v, { scratch: await scratchOf(session, o.scratch), ...(o.by ? { by: o.by } : {}), appVersion: session.ctx.version });
          if (format === 'json') printJson({ connection: session.connection.label, version: r.version, refused: r.refused, recorded: r.recorded, alreadyApplied: r.alreadyApplied, differences: r.drift.differences });
          else if (r.refused) {
            process.stdout.write(`Refused: ${session.connection.label} does not match the migrations up to ${v} (${r.drift.differences.length} difference(s)); nothing recorded\n`);
            printDifferences(r.drift.differences);
          } else process.stdout.write(`Baseline ${v} on ${session.connection.label}: recorded ${r.recorded.length} migration(s) as applied without running them${r.recorded.length ? ` (${r.recorded.join(', ')})` : ''}\n`);
          setExit(r.refused ? EXIT.policy : EXIT.ok);
        });
      } catch (e) {
        setExit(reportError(e, format));
      }
    });

  const down = program.command('down').description('Down migrations');
  down
    .command('draft')
    .description('Draft a .down.sql for a migration from its statements (a draft to review; irreversible statements say why)')
    .argument('<version>', 'the migration')
    .option('-p, --project <dir>', 'project folder', '.')
    .option('--write', 'write <version>_<name>.down.sql next to it (never overwrites)')
    .option('--format <format>', 'text or json', 'text')
    .action(async (v: string, o: DriftCliOptions) => {
      let format = 'text';
      try {
        format = parseFormat(o.format);
        const project = openValidProject(o.project);
        const m = findMigration(project, v);
        const draft = await draftDown(readMigrationSql(m.upPath), `${m.version}_${m.name}.up.sql`);
        if (o.write) {
          const target = m.upPath.replace(/\.up\.sql$/, '.down.sql');
          if (m.downPath || fs.existsSync(target)) throw new UsageError(`${target} exists: not overwritten`);
          fs.writeFileSync(target, draft.sql, { flag: 'wx' });
          notice(`wrote ${target}`);
        }
        if (format === 'json') printJson({ version: m.version, name: m.name, hasDown: m.downPath !== null, ...draft });
        else if (!o.write) process.stdout.write(draft.sql);
        setExit(draft.irreversible.length > 0 ? EXIT.policy : EXIT.ok);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
