import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { AbComparison, Baseline, Comparison } from '../../../src-shared/domain/perf';
import { connectClient } from '../../db/connection';
import { ConfitureError } from '../../errors';
import { EXIT } from '../../../src-shared/errors';
import { appVersion } from '../../context';
import {
  capture,
  captureAB,
  checkBaselineName,
  compareAB,
  compareBaselines,
  comparisonFails,
  listBaselines,
  loadWorkload,
  perfConfigOf,
  perfPaths,
  rehearseAB,
  renderImported,
  resolveBaseline,
  saveBaseline,
  topStatements,
  type PerfConfig,
} from '../../perf';
import type { AbTiming } from '../../perf/ab';
import { openValidProject, type Project } from '../../project';
import { parseFormat, printJson, reportError, UsageError } from '../output';
import { embeddedDatabaseFor, openSession } from '../session';
import { activity } from '../terminal';

interface CommonOpts {
  project: string;
  db?: string;
  format: string;
}

function positiveInt(v: string | undefined, flag: string, min = 1): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be an integer ≥ ${min} (got "${v}")`);
  return n;
}

function fraction(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new UsageError(`${flag} must be a number between 0 and 1 (got "${v}")`);
  return n;
}

async function captureNow(
  project: Project,
  config: PerfConfig,
  db: string | undefined,
  o: { name: string; runs?: number; warmup?: number; only?: string[]; environment?: string; quiet: boolean },
): Promise<Baseline> {
  const paths = perfPaths(project);
  const workload = await loadWorkload(paths.workload);
  const session = await openSession(db, embeddedDatabaseFor(project.name));
  try {
    const client = await session.ctx.connections.client(session.connection.id);
    try {
      let lastPct = -1;
      return await capture({
        client,
        workload,
        name: o.name,
        config,
        connectionLabel: session.connection.label,
        confitureVersion: appVersion(),
        projectDir: project.dir,
        ...(o.runs !== undefined ? { runs: o.runs } : {}),
        ...(o.warmup !== undefined ? { warmup: o.warmup } : {}),
        ...(o.only ? { only: o.only } : {}),
        ...(o.environment ? { environment: o.environment } : {}),
        onProgress: (p) => {
          if (o.quiet || p.phase !== 'timed') return;
          const pct = Math.floor((p.done / Math.max(1, p.total)) * 10) * 10;
          if (pct !== lastPct) {
            lastPct = pct;
            activity().set(`timed runs ${pct} %`, false);
          }
        },
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  } finally {
    await session.close();
  }
}

function printCaptureText(b: Baseline, file: string | null): void {
  process.stdout.write(`${file ? `baseline ${b.id} written to ${file}` : `capture ${b.name}`}\n`);
  process.stdout.write(`  ${b.server.version} · ${b.environment.connection} · ${b.capture.runs} runs, ${b.capture.warmup} warm-up\n`);
  for (const q of b.queries) {
    if (q.error) {
      process.stdout.write(`  ! ${q.id}: ${q.error}\n`);
      continue;
    }
    const s = [...q.samplesMs].sort((x, y) => x - y);
    const med = s.length ? s[Math.floor(s.length / 2)]! : NaN;
    process.stdout.write(`  ${q.id.padEnd(40)} median ${med.toFixed(3).padStart(9)} ms  (${s.length} runs, ${q.rows ?? '?'} rows)\n`);
  }
  const o = b.overhead;
  process.stdout.write(
    `  overhead: wall ${(o.wallMs / 1000).toFixed(1)} s, timed ${(o.timedMs / 1000).toFixed(1)} s, profiler extra ${o.overheadPct} % of the timed work, duty cycle ${(o.dutyCycle * 100).toFixed(0)} %\n`,
  );
  for (const n of b.notes) process.stdout.write(`  note: ${n}\n`);
}

function printComparisonText(c: Comparison): void {
  process.stdout.write(`compare ${c.baseline.id || c.baseline.name} → ${c.current.id || c.current.name}\n`);
  process.stdout.write(`  ${c.method.correction}; threshold ±${(c.method.threshold * 100).toFixed(0)} %\n`);
  const e = c.environment;
  const emark = e.verdict === 'shifted' ? (e.direction === 'slower' ? '✗' : '↑') : e.verdict === 'stable' ? '=' : '?';
  process.stdout.write(`  ${emark} environment ${e.verdict}${e.direction ? ` (${e.direction})` : ''} ×${e.ratio.toFixed(3)}${e.ci ? ` [${e.ci[0].toFixed(3)}, ${e.ci[1].toFixed(3)}]` : ''}: ${e.note}\n`);
  const rows = [...c.queries].sort((a, b) => b.adjustedRatio - a.adjustedRatio);
  for (const q of rows) {
    const mark = q.verdict === 'regression' ? '✗' : q.verdict === 'improvement' ? '↑' : q.verdict === 'unchanged' ? '=' : '?';
    process.stdout.write(
      `  ${mark} ${q.verdict.padEnd(12)} ${q.id.padEnd(40)} ${q.baselineMedianMs.toFixed(3).padStart(9)} → ${q.currentMedianMs.toFixed(3).padStart(9)} ms  ×${q.ratio.toFixed(2)} [${q.ci[0].toFixed(2)}, ${q.ci[1].toFixed(2)}]${e.applied ? ` relative ×${q.adjustedRatio.toFixed(2)} [${q.adjustedCi[0].toFixed(2)}, ${q.adjustedCi[1].toFixed(2)}]` : ''}${q.planChanged ? `  plan: ${q.planSummary}` : ''}\n`,
    );
    if (q.verdict === 'inconclusive') process.stdout.write(`      ${q.reason}\n`);
  }
  for (const u of c.unmatched) process.stdout.write(`  - ${u.id}: not compared (${u.reason})\n`);
  for (const w of c.warnings) process.stdout.write(`  warning: ${w}\n`);
  const s = c.summary;
  process.stdout.write(`${s.regression} regression(s), ${s.improvement} improvement(s), ${s.unchanged} unchanged, ${s.inconclusive} inconclusive\n`);
}

function printAbText(c: AbComparison): void {
  process.stdout.write(`perf ab (interleaved) ${c.before.label} → ${c.after.label}\n`);
  process.stdout.write(`  ${c.method.design}\n  ${c.method.correction}; threshold ±${(c.method.threshold * 100).toFixed(0)} %\n`);
  const rows = [...c.queries].sort((a, b) => b.ratio - a.ratio);
  for (const q of rows) {
    const mark = q.verdict === 'regression' ? '✗' : q.verdict === 'improvement' ? '↑' : q.verdict === 'unchanged' ? '=' : '?';
    process.stdout.write(
      `  ${mark} ${q.verdict.padEnd(12)} ${q.id.padEnd(40)} ${q.beforeMedianMs.toFixed(3).padStart(9)} → ${q.afterMedianMs.toFixed(3).padStart(9)} ms  ×${q.ratio.toFixed(3)} [${q.ci[0].toFixed(3)}, ${q.ci[1].toFixed(3)}] (${q.pairs} pairs)\n`,
    );
    if (q.evidence.certain) process.stdout.write(`      certain: ${q.evidence.summary}\n`);
    if (q.verdict === 'inconclusive') process.stdout.write(`      ${q.reason}\n`);
  }
  for (const u of c.unmatched) process.stdout.write(`  - ${u.id}: not compared (${u.reason})\n`);
  for (const n of c.notes) process.stdout.write(`  note: ${n}\n`);
  const s = c.summary;
  process.stdout.write(
    `${s.regression} regression(s), ${s.improvement} improvement(s), ${s.unchanged} unchanged, ${s.inconclusive} inconclusive; ${s.certain} certain change(s) of work; ${(c.wallMs / 1000).toFixed(1)} s\n`,
  );
}

export function registerPerf(program: Command, setExit: (code: number) => void): void {
  const perf = program.command('perf').description('Workload baselines: capture, compare (regression detection with plan diffs), list, import from pg_stat_statements');

  const common = (c: Command) =>
    c
      .option('-p, --project <dir>', 'project folder', '.')
      .option('--db <url>', 'connection string, `embedded` or `embedded:<db>` (default: $DATABASE_URL, else the embedded server)')
      .option('--format <format>', 'text or json', 'text');

  common(
    perf
      .command('capture')
      .description('Run the workload (warm-up, EXPLAIN ANALYZE, N timed runs per query × parameter set) and save a baseline under perf/baselines')
      .requiredOption('--name <name>', 'baseline name (letters, digits, _ . -)')
      .option('--runs <n>', 'timed runs per query × parameter set (default perf.runs)')
      .option('--warmup <n>', 'warm-up runs (default perf.warmup)')
      .option('--only <names>', 'comma-separated query names')
      .option('--environment <name>', 'environment recorded in the baseline (production needs perf.allowProduction)'),
  ).action(async (opts: CommonOpts & { name: string; runs?: string; warmup?: string; only?: string; environment?: string }) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      checkBaselineName(opts.name);
      const project = openValidProject(opts.project);
      const config = perfConfigOf(project);
      const runs = positiveInt(opts.runs, '--runs', 5);
      const warmup = positiveInt(opts.warmup, '--warmup', 0);
      const b = await captureNow(project, config, opts.db, {
        name: opts.name,
        ...(runs !== undefined ? { runs } : {}),
        ...(warmup !== undefined ? { warmup } : {}),
        ...(opts.only ? { only: opts.only.split(',').map((s) => s.trim()).filter(Boolean) } : {}),
        ...(opts.environment ? { environment: opts.environment } : {}),
        quiet: format === 'json',
      });
      const file = saveBaseline(perfPaths(project).baselines, b);
      if (format === 'json') printJson({ id: b.id, file, queries: b.queries.length, errors: b.queries.filter((q) => q.error).map((q) => ({ id: q.id, error: q.error })), overhead: b.overhead, notes: b.notes });
      else printCaptureText(b, file);
      setExit(EXIT.ok);
    } catch (e) {
      setExit(reportError(e, format));
    }
  });

  common(
    perf
      .command('compare')
      .description('Compare two baselines (or a baseline with a capture now); exit 1 on any regression or a common slowdown of the whole workload')
      .argument('<base>', 'baseline: file, id, name (latest with it), latest or previous')
      .argument('[current]', 'second baseline; omitted: capture now against --db')
      .option('--runs <n>', 'timed runs for the capture now')
      .option('--alpha <a>', 'false-discovery rate (default perf.alpha)')
      .option('--threshold <t>', 'practical-significance threshold, 0.1 = 10 % (default perf.threshold)')
      .option('--save-as <name>', 'keep the capture made now as a baseline'),
  ).action(async (base: string, current: string | undefined, opts: CommonOpts & { runs?: string; alpha?: string; threshold?: string; saveAs?: string }) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      const project = openValidProject(opts.project);
      const config = perfConfigOf(project);
      const dir = perfPaths(project).baselines;
      const a = resolveBaseline(dir, base);
      let b: Baseline;
      if (current) b = resolveBaseline(dir, current);
      else {
        if (opts.saveAs) checkBaselineName(opts.saveAs);
        const runs = positiveInt(opts.runs, '--runs', 5) ?? a.capture.runs;
        b = await captureNow(project, config, opts.db, { name: opts.saveAs ?? 'now', runs, quiet: format === 'json' });
        if (opts.saveAs) saveBaseline(dir, b);
      }
      const threshold = opts.threshold !== undefined ? Number(opts.threshold) : config.threshold;
      if (!(threshold > 0 && threshold < 10)) throw new UsageError(`--threshold must be a number > 0, e.g. 0.1 for 10 % (got "${opts.threshold}")`);
      const cmp = compareBaselines(a, b, { ...config, alpha: fraction(opts.alpha, '--alpha') ?? config.alpha, threshold });
      if (format === 'json') printJson(cmp);
      else printComparisonText(cmp);
      setExit(comparisonFails(cmp) ? EXIT.policy : EXIT.ok);
    } catch (e) {
      setExit(reportError(e, format));
    }
  });

  common(
    perf
      .command('ab')
      .description(
        'Interleaved A/B: run the workload alternately on the database before and after a change (A B / B A at random per pair) and judge paired ratios; ' +
          'both sides are clones of --db (CREATE DATABASE … TEMPLATE), the after one with --apply files run on it; or --db against an existing database (--after-db)',
      )
      .option('--apply <files...>', 'SQL files applied, in order, to a clone of --db (e.g. the migrations to judge); none: an A/A check of the machine')
      .option('--after-db <url>', 'compare --db against this existing database instead of a clone')
      .option('--runs <n>', 'timed pairs per query × parameter set (default perf.runs)')
      .option('--warmup <n>', 'warm-up pairs (default perf.warmup)')
      .option('--only <names>', 'comma-separated query names')
      .option('--alpha <a>', 'false-discovery rate (default perf.alpha)')
      .option('--threshold <t>', 'practical-significance threshold, 0.1 = 10 % (default perf.threshold)')
      .option('--seed <n>', 'seed of the A/B order (default: random, printed)')
      .option('--timing <how>', "server: each run's planning + execution time from EXPLAIN (ANALYZE, TIMING OFF), no network round trip (default); client: the round trip's wall time")
      .option('--keep-clone', 'do not drop the two clones at the end'),
  ).action(
    async (
      opts: CommonOpts & { apply?: string[]; afterDb?: string; runs?: string; warmup?: string; only?: string; alpha?: string; threshold?: string; seed?: string; timing?: string; keepClone?: boolean },
    ) => {
      let format = 'text';
      try {
        format = parseFormat(opts.format);
        const project = openValidProject(opts.project);
        const config = perfConfigOf(project);
        if (opts.apply && opts.afterDb) throw new UsageError('--apply and --after-db exclude each other: --apply builds the after side from a clone of --db');
        const runs = positiveInt(opts.runs, '--runs', 5);
        const warmup = positiveInt(opts.warmup, '--warmup', 0);
        const seed = positiveInt(opts.seed, '--seed', 0);
        const threshold = opts.threshold !== undefined ? Number(opts.threshold) : config.threshold;
        if (!(threshold > 0 && threshold < 10)) throw new UsageError(`--threshold must be a number > 0, e.g. 0.1 for 10 % (got "${opts.threshold}")`);
        const alpha = fraction(opts.alpha, '--alpha') ?? config.alpha;
        const timing = opts.timing ?? 'server';
        if (timing !== 'server' && timing !== 'client') throw new UsageError(`--timing must be server or client (got "${opts.timing}")`);
        const how: AbTiming = timing;
        const apply = (opts.apply ?? []).map((f) => {
          const file = path.resolve(f);
          if (!fs.existsSync(file)) throw new ConfitureError('not_found', `No such file: ${f}`, { file: f, field: '--apply' });
          return { name: path.basename(file), sql: fs.readFileSync(file, 'utf8') };
        });
        const workload = await loadWorkload(perfPaths(project).workload);
        const common = {
          workload,
          config,
          ...(runs !== undefined ? { runs } : {}),
          ...(warmup !== undefined ? { warmup } : {}),
          ...(seed !== undefined ? { orderSeed: seed } : {}),
          timing: how,
          ...(opts.only ? { only: opts.only.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
          onProgress: (p: { phase: string; done: number; total: number }) => {
            if (format === 'json' || p.phase !== 'timed') return;
            activity().set(`timed pairs ${Math.floor((p.done / Math.max(1, p.total)) * 100)} %`, false);
          },
        };
        const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
        let cmp: AbComparison;
        try {
          const resolved = session.ctx.connections.resolved(session.connection.id);
          if (opts.afterDb) {
            const other = await openSession(opts.afterDb);
            try {
              const open = { before: () => session.ctx.connections.client(session.connection.id), after: () => other.ctx.connections.client(other.connection.id) };
              cmp = compareAB(await captureAB({ ...common, open, labels: { before: session.connection.label, after: other.connection.label } }), { alpha, threshold });
            } finally {
              await other.close();
            }
          } else {
            // the session's pool holds no connection to --db: the clone needs the source idle
            const r = await rehearseAB({
              ...common,
              connect: (database) => connectClient({ ...resolved, config: { ...resolved.config, database } }),
              source: resolved.database,
              apply,
              label: session.connection.label,
              keepClone: !!opts.keepClone,
            });
            cmp = compareAB(r.capture, { alpha, threshold });
          }
        } finally {
          await session.close();
        }
        if (format === 'json') printJson(cmp);
        else printAbText(cmp);
        setExit(cmp.fails ? EXIT.policy : EXIT.ok);
      } catch (e) {
        setExit(reportError(e, format));
      }
    },
  );

  common(perf.command('list').description('List the baselines of the project, oldest first')).action((opts: CommonOpts) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      const project = openValidProject(opts.project);
      const items = listBaselines(perfPaths(project).baselines);
      if (format === 'json') printJson({ baselines: items });
      else {
        if (items.length === 0) process.stdout.write('no baselines yet: confiture perf capture --name NAME\n');
        for (const b of items) {
          process.stdout.write(`${b.id.padEnd(48)} ${b.environment.padEnd(12)} PG ${b.serverVersion.padEnd(8)} ${String(b.queries).padStart(4)} queries × ${b.runs} runs${b.gitCommit ? `  ${b.gitCommit.slice(0, 10)}` : ''}\n`);
        }
      }
      setExit(EXIT.ok);
    } catch (e) {
      setExit(reportError(e, format));
    }
  });

  common(
    perf
      .command('import-statements')
      .description('Seed the workload from pg_stat_statements: top N by total execution time, with placeholders to fill with sample values')
      .option('--top <n>', 'how many statements', '20')
      .option('--write', 'append to the workload file (default: print YAML)'),
  ).action(async (opts: CommonOpts & { top: string; write?: boolean }) => {
    let format = 'text';
    try {
      format = parseFormat(opts.format);
      const top = positiveInt(opts.top, '--top') ?? 20;
      const project = openValidProject(opts.project);
      const session = await openSession(opts.db, embeddedDatabaseFor(project.name));
      try {
        const client = await session.ctx.connections.client(session.connection.id);
        try {
          const { statements, skipped } = await topStatements(client, top);
          const file = perfPaths(project).workload;
          const existing = opts.write && fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
          const { yaml, added } = renderImported(statements, existing);
          if (opts.write) {
            fs.mkdirSync(path.dirname(file), { recursive: true });
            const tmp = `${file}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, yaml);
            fs.renameSync(tmp, file);
          }
          if (format === 'json') printJson({ statements, skipped, added, file: opts.write ? file : null, yaml: opts.write ? undefined : yaml });
          else if (opts.write) process.stdout.write(`${added} statement(s) added to ${file} (${skipped} skipped: utility or catalog statements); fill in the sample values\n`);
          else process.stdout.write(yaml);
        } finally {
          await client.end().catch(() => undefined);
        }
      } finally {
        await session.close();
      }
      setExit(EXIT.ok);
    } catch (e) {
      setExit(reportError(e, format));
    }
  });
}
