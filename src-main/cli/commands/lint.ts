import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { appVersion } from '../../context';

import { PARALLEL_MIN_FILES, collectSqlFiles, lintPaths, lintProject, listRules, projectRuleSet, toJson, toSarif, toText, type LintReport } from '../../lint';
import { CONFIG_FILE } from '../../project';
import { parseFormat, reportError, UsageError } from '../output';

interface LintCliOptions {
  project: string;
  format: string;
  pgVersion?: string;
  listRules?: boolean;
  explainConfig?: boolean;
  threads: string;
}

/** Writes and waits for the pipe to take it: bin/confiture.mjs calls process.exit right after, which would cut large piped output. */
function writeOut(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (e) => (e ? reject(e) : resolve())));
}

function pgVersionOption(v: string | undefined): { value: number; source: 'cli' } | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 10 || n > 40) throw new UsageError(`--pg-version must be a PostgreSQL major version such as 15 (got "${v}")`);
  return { value: n, source: 'cli' };
}

export function registerLint(program: Command, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('Lint migrations with the composed rule libraries: locks, rewrites, timeouts, types, naming, compliance')
    .argument('[paths...]', 'SQL files or folders (default: the project\'s migrations)')
    .option('-p, --project <dir>', 'project folder whose confiture.yaml `lint` section configures the rules', '.')
    .option('--format <format>', 'text, json or sarif', 'text')
    .option('--pg-version <major>', 'PostgreSQL major version the migrations target (default: lint.pgVersion, else 15)')
    .option('--list-rules', 'list every rule with its version, severity, libraries and equivalents')
    .option('--threads <n>', `worker threads for ${PARALLEL_MIN_FILES}+ files (1 = this thread)`, '1')
    .option('--explain-config', 'print the effective composed configuration and where each setting came from')
    .action(async (paths: string[], opts: LintCliOptions) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format, ['text', 'json', 'sarif']);
        const pgVersion = pgVersionOption(opts.pgVersion);
        if (opts.listRules) {
          const rules = listRules();
          if (format === 'json') {
            await writeOut(JSON.stringify(rules.map((r) => ({ id: r.id, version: r.version, severity: r.severity, libraries: r.libraries, summary: r.summary, equivalents: r.equivalents, deprecated: r.deprecated })), null, 2) + '\n');
          } else {
            for (const r of rules) {
              process.stdout.write(`${r.id.padEnd(46)} ${r.version.padEnd(6)} ${r.severity.padEnd(8)} ${r.libraries.join(', ')}${r.deprecated ? `  (deprecated: use ${r.deprecated.replacement.join(', ')})` : ''}\n    ${r.summary}\n`);
            }
          }
          setExit(0);
          return;
        }
        const projectDir = path.resolve(opts.project);
        const hasProject = fs.existsSync(path.join(projectDir, CONFIG_FILE));
        if (opts.explainConfig) {
          const { ruleSet } = projectRuleSet(hasProject ? projectDir : undefined, pgVersion ? { pgVersion } : {});
          const eff = ruleSet.effective;
          if (format === 'json') await writeOut(JSON.stringify(eff, null, 2) + '\n');
          else {
            process.stdout.write(`libraries (conflict policy ${eff.conflictPolicy}):\n`);
            for (const l of eff.libraries) process.stdout.write(`  ${l.name}@${l.resolved} (requested ${l.requested}) — ${l.source.label}\n`);
            process.stdout.write(`failOn: ${eff.failOn}\npgVersion: ${eff.pgVersion} — ${eff.pgVersionSource.label}\n`);
            for (const w of eff.warnings) process.stdout.write(`warning: ${w}\n`);
            process.stdout.write('rules:\n');
            for (const r of eff.rules) {
              process.stdout.write(`  ${r.id}@${r.version}: ${r.enabled ? r.severity : 'disabled'}\n`);
              for (const t of r.trail) process.stdout.write(`      ${t.setting.padEnd(9)} ${t.value}  ← ${t.source.label}\n`);
            }
          }
          setExit(0);
          return;
        }
        let report: LintReport;
        if (paths.length > 0) {
          const { ruleSet, engine, source } = projectRuleSet(hasProject ? projectDir : undefined, pgVersion ? { pgVersion } : {});
          report = await lintPaths(collectSqlFiles(paths), {
            ruleSet,
            source,
            threads: Math.max(1, Number(opts.threads) || 1),
            inputs: { runnerLockTimeoutMs: engine?.lockTimeout ?? 0, runnerStatementTimeoutMs: engine?.statementTimeout ?? 0 },
          });
        } else {
          if (!hasProject) throw new UsageError(`no paths given and ${projectDir} has no ${CONFIG_FILE}: pass SQL files or folders, or --project <dir>`);
          report = await lintProject(projectDir, pgVersion ? { pgVersion } : {});
        }
        if (format === 'json') await writeOut(JSON.stringify(toJson(report), null, 2) + '\n');
        else if (format === 'sarif') await writeOut(JSON.stringify(toSarif(report, appVersion()), null, 2) + '\n');
        else await writeOut(toText(report, process.stdout.isTTY === true));
        setExit(report.summary.failed ? 1 : 0);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
