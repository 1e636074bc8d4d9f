import fs from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import type { Command } from 'commander';
import { appVersion } from '../../version';

import { EXIT } from '../../../src-shared/errors';
import { PARALLEL_MIN_FILES, collectSqlFiles, lintPaths, lintProject, listRules, projectRuleSet, toCodeQuality, toJsonFile, toJsonSummary, toMarkdown, toSarif, toText, unparseableFiles, type LintReport } from '../../lint';
import { CONFIG_FILE } from '../../project';
import { parseFormat, reportError, UsageError, versioned, writeJson, writeOut } from '../output';
import { activity, notice, useColor } from '../terminal';

interface LintCliOptions {
  project: string;
  format: string;
  pgVersion?: string;
  listRules?: boolean;
  explainConfig?: boolean;
  threads: string;
  sarifRoot?: string;
}

const FORMATS = ['text', 'json', 'sarif', 'gitlab', 'markdown'] as const;

/** The repository root (the nearest folder with `.git` above `from`), else `from`. */
export function repositoryRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/**
 * 0 nothing at failOn; 1 findings at failOn; 2 a file the PostgreSQL parser rejects (nothing in it
 * could be checked, whatever failOn says: the same code as any other input error).
 */
export function lintExitCode(report: LintReport): number {
  if (unparseableFiles(report).length > 0) return EXIT.usage;
  return report.summary.failed ? EXIT.policy : EXIT.ok;
}

function pgVersionOption(v: string | undefined): { value: number; source: 'cli' } | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 10 || n > 40) throw new UsageError(`--pg-version must be a PostgreSQL major version such as 15 (got "${v}")`);
  return { value: n, source: 'cli' };
}

/**
 * Below this much SQL a lint run is too short for V8's optimising compiler to repay itself: with
 * the default interrupt budget, TurboFan compiles most of the rules' functions and that compile
 * time exceeds what the optimised code saves before the run ends. bench/lint (CPU time, load ~15):
 * 2,000 files / 1.5 MB, 4.4 s with the default budget, 3.2–3.7 s with 1–2 MB; 20,000 files /
 * 15 MB, 20 s with the default, 28–31 s with 1–2 MB. The crossover is around 3 MB.
 */
export const SHORT_LINT_BYTES = 2 * 1024 ** 2;
const SHORT_LINT_INTERRUPT_BUDGET = 2_000_000;

/**
 * For a lint of less than SHORT_LINT_BYTES of SQL, raises V8's interrupt budget (process-wide; the
 * CLI process lints and exits) so only the hottest functions get optimised. Sizes of files that
 * cannot be read count as 0 (lint reports them). Returns whether it did.
 */
export function tuneJitForShortLint(files: string[]): boolean {
  let bytes = 0;
  for (const f of files) {
    try {
      bytes += fs.statSync(f).size;
    } catch {
      // reported by lint itself
    }
    if (bytes >= SHORT_LINT_BYTES) return false;
  }
  v8.setFlagsFromString(`--interrupt-budget=${SHORT_LINT_INTERRUPT_BUDGET}`);
  return true;
}

export function registerLint(program: Command, setExit: (code: number) => void): void {
  program
    .command('lint')
    .description('Lint migrations with the composed rule libraries: locks, rewrites, timeouts, types, naming, compliance')
    .argument('[paths...]', 'SQL files or folders (default: the project\'s migrations)')
    .option('-p, --project <dir>', 'project folder whose confiture.yaml `lint` section configures the rules', '.')
    .option('--format <format>', 'text, json, sarif, gitlab or markdown (gitlab: a GitLab Code Quality report)', 'text')
    .option('--sarif-root <dir>', 'sarif/gitlab/markdown paths are relative to this folder (default: the repository root, else the current folder)')
    .option('--pg-version <major>', 'PostgreSQL major version the migrations target (default: lint.pgVersion, else 15)')
    .option('--list-rules', 'list every rule with its version, severity, libraries and equivalents')
    .option('--threads <n>', `worker threads for ${PARALLEL_MIN_FILES}+ files (1 = this thread)`, '1')
    .option('--explain-config', 'print the effective composed configuration and where each setting came from')
    .action(async (paths: string[], opts: LintCliOptions) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format, FORMATS);
        const pgVersion = pgVersionOption(opts.pgVersion);
        if (opts.listRules) {
          const rules = listRules();
          if (format === 'json') {
            await writeOut(JSON.stringify(versioned({ rules: rules.map((r) => ({ id: r.id, version: r.version, severity: r.severity, libraries: r.libraries, summary: r.summary, equivalents: r.equivalents, deprecated: r.deprecated })) }), null, 2) + '\n');
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
          if (format === 'json') await writeOut(JSON.stringify(versioned(eff), null, 2) + '\n');
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
          const files = collectSqlFiles(paths);
          tuneJitForShortLint(files);
          report = await lintPaths(files, {
            ruleSet,
            onProgress: (done, total) => activity().set(`linting: ${done}/${total} files`, false),
            source,
            threads: Math.max(1, Number(opts.threads) || 1),
            inputs: { runnerLockTimeoutMs: engine?.lockTimeout ?? 0, runnerStatementTimeoutMs: engine?.statementTimeout ?? 0 },
          });
        } else {
          if (!hasProject) throw new UsageError(`no paths given and ${projectDir} has no ${CONFIG_FILE}: pass SQL files or folders, or --project <dir>`);
          report = await lintProject(projectDir, pgVersion ? { pgVersion } : {});
        }
        const exit = lintExitCode(report);
        const root = opts.sarifRoot !== undefined ? path.resolve(opts.sarifRoot) : repositoryRoot();
        activity().stop();
        if (format === 'json') await writeJson(versioned({ files: report.files, summary: toJsonSummary(report) }), { files: toJsonFile });
        else if (format === 'sarif') await writeOut(JSON.stringify(toSarif(report, appVersion(), { root, exitCode: exit }), null, 2) + '\n');
        else if (format === 'gitlab') await writeOut(JSON.stringify(toCodeQuality(report, { root }), null, 2) + '\n');
        else if (format === 'markdown') await writeOut(toMarkdown(report, { root }));
        else await writeOut(toText(report, useColor(process.stdout)));
        const unparseable = unparseableFiles(report);
        if (unparseable.length) notice(`confiture: ${unparseable.length} file${unparseable.length === 1 ? '' : 's'} could not be parsed (exit 2): ${unparseable.slice(0, 3).join(', ')}${unparseable.length > 3 ? ', …' : ''}`);
        setExit(exit);
      } catch (e) {
        setExit(reportError(e, format));
      }
    });
}
