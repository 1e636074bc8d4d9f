import type { Command } from 'commander';
import { snapshotCatalog } from '../../catalog';
import { ConfitureError } from '../../errors';
import { analyzeLocks } from '../../locks';
import { initParser, parseSql, parseSqlFile } from '../../parse';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { openSession } from '../session';

/** The newest PostgreSQL major the lock table knows. */
export const DEFAULT_PG_VERSION = 18;

export function registerLocks(program: Command, setExit: (code: number) => void): void {
  program
    .command('locks')
    .argument('[file]', 'a SQL file')
    .description('Which locks each statement takes, whether it rewrites or scans the table, and what it blocks')
    .option('--sql <text>', 'analyse this SQL instead of a file')
    .option('--pg-version <n>', `target PostgreSQL major version, 13–18 (default ${DEFAULT_PG_VERSION}, or the server's with --db)`)
    .option('--db <url>', 'read the catalog of this database (indexes, partitions, FKs, column types) for exact answers')
    .option('--format <format>', 'text or json', 'text')
    .action(async (file: string | undefined, opts: { sql?: string; pgVersion?: string; db?: string; format: string }) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        if (!file && opts.sql === undefined) throw new UsageError('give a FILE or --sql "…"');
        if (file && opts.sql !== undefined) throw new UsageError('give either a FILE or --sql, not both');
        let pgVersion = DEFAULT_PG_VERSION;
        if (opts.pgVersion !== undefined) {
          pgVersion = Number(opts.pgVersion);
          if (!Number.isInteger(pgVersion) || pgVersion < 13 || pgVersion > 18) throw new UsageError(`--pg-version must be a major version from 13 to 18 (got "${opts.pgVersion}")`);
        }
        await initParser();
        const parsed = file ? parseSqlFile(file) : parseSql(opts.sql!, '<sql>');
        const syntax = parsed.problems.find((p) => p.severity === 'error');
        if (syntax) throw new ConfitureError('parse_error', syntax.message, { ...(file ? { file } : {}), line: syntax.line, column: syntax.column });
        let catalog = null;
        if (opts.db) {
          const session = await openSession(opts.db);
          try {
            catalog = await snapshotCatalog(session.pool, { windowMs: 0 });
            if (opts.pgVersion === undefined) pgVersion = catalog.server.major;
          } finally {
            await session.close();
          }
        }
        const analysis = analyzeLocks(parsed, { pgVersion, catalog });
        if (format === 'json') {
          printJson({
            statements: analysis.statements.map((s) => {
              const open = (fact: string) => s.unknowns?.some((u) => u.fact === fact) ?? false;
              return {
                index: s.index,
                kind: s.kind,
                locks: s.locks.filter((l) => l.existing || !catalog).map((l) => ({ relation: l.relation, mode: l.mode, ...(l.unresolved ? { unresolved: true } : {}) })),
                // an open fact is printed as "unknown", never as a guessed true/false
                rewrites: open('rewrite') ? 'unknown' : s.rewrites,
                scans: open('scan') ? 'unknown' : s.scans,
                blocks: { reads: s.blocks.reads, writes: s.blocks.writes },
                ...(s.unknowns?.length ? { unknown: s.unknowns } : {}),
              };
            }),
          });
        } else {
          process.stdout.write(`PostgreSQL ${analysis.pgVersion}${catalog ? ` (catalog of ${catalog.database})` : ''}\n`);
          for (const s of analysis.statements) {
            const blocked = [s.blocks.reads && 'reads', s.blocks.writes && 'writes', s.blocks.ddl && 'DDL'].filter(Boolean).join(', ') || 'nothing';
            process.stdout.write(`#${s.index} line ${s.line} ${s.kind}${s.certainty === 'assumed' ? ' (assumed)' : ''}\n`);
            for (const l of s.locks) process.stdout.write(`    ${l.mode.padEnd(26)} ${l.relation}${l.existing ? '' : ' (created here)'}${l.unresolved ? ' (unknown without a catalog)' : ''}\n`);
            const yn = (v: boolean, fact: string) => (s.unknowns?.some((u) => u.fact === fact) ? `unknown (assumed ${v ? 'yes' : 'no'})` : v ? 'yes' : 'no');
            process.stdout.write(`    rewrites: ${yn(s.rewrites, 'rewrite')}  scans: ${yn(s.scans, 'scan')}  blocks: ${blocked}\n`);
            for (const u of s.unknowns ?? []) process.stdout.write(`    unknown: ${u.reason}\n`);
            for (const n of s.notes.filter((x) => !s.unknowns?.some((u) => u.reason === x))) process.stdout.write(`    note: ${n}\n`);
            if (s.safeAlternative && (s.blocks.reads || s.blocks.writes)) process.stdout.write(`    safer: ${s.safeAlternative}\n`);
          }
        }
        setExit(0);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
