/**
 * Generates docs/reference/cli.md from the commander program (src-main/cli/index.ts `buildProgram`)
 * plus the hand-maintained examples and JSON shapes in `EXTRAS` below.
 * Run: npm run docs   (or npx tsx scripts/gen-cli-doc.ts; a unit test fails when the checked-in file is stale)
 *
 * Every command path needs an entry in EXTRAS and every EXTRAS key must be a command: rendering throws
 * otherwise, so a new or renamed command cannot ship undocumented. The JSON shapes were checked against
 * real output of the commands on the demo project (PostgreSQL 15 and the embedded server).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Option } from 'commander';
import { buildProgram } from '../src-main/cli/index';

export const CLI_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'reference', 'cli.md');

interface Extra {
  /** Shell example(s), one command per line. */
  example?: string;
  /** JSON printed on stdout with `--format json` (abbreviated; `…` marks elided values). */
  json?: string;
  /** Free prose (markdown) after the generated parts: exit codes, semantics. */
  notes?: string;
}

/** Hand-maintained, keyed by command path ('migrate up'). */
const EXTRAS: Record<string, Extra> = {
  status: {
    example: 'confiture status -p resources/demo --db embedded --format json',
    json: `{ "project": "/abs/path/demo", "connection": "embedded:confiture_demo",
  "migrations": [ { "version": "0001", "name": "create_shop_schema", "state": "applied",
                    "checksum": "f85f…", "appliedAt": "2026-…Z", "appliedBy": "alice" } ] }`,
    notes: '`state` is `applied`, `pending`, `changed` (the file\'s checksum differs from the applied one) or `missing` (applied, file gone); `appliedAt`/`appliedBy` are `null` when pending. Exit codes: 0 ok; 2 bad option or confiture.yaml; 3 database error.',
  },
  serve: {
    example: 'CONFITURE_TOKEN=… confiture serve --port 4780 --open',
    notes: 'Prints the URL with its token on stdout and runs until Ctrl+C (SIGINT/SIGTERM). `$CONFITURE_TOKEN` fixes the token (default: a random one). Exit codes: 0 stopped; 2 bad port or data dir.',
  },
  lint: {
    example: 'confiture lint -p resources/demo --format json\nconfiture lint migrations/0007_add_orders_currency.up.sql --pg-version 15\nconfiture lint -p . --format sarif > lint.sarif',
    json: `{ "files": [ { "path": "/abs/path/migrations/0002_create_customers.up.sql",
               "findings": [ { "rule": "require-statement-timeout", "severity": "warning", "message": "…",
                               "line": 6, "column": 1, "help": "…" } ] } ],
  "summary": { "files": 30, "statements": 64, "bySeverity": { "info": 1, "warning": 32, "error": 9, "critical": 4 },
               "suppressed": 0, "failOn": "error", "failed": true, "pgVersion": 15, "configWarnings": [ "…" ] } }`,
    notes: '`--format sarif` prints a SARIF 2.1.0 log (`"version": "2.1.0"`, `$schema` https://json.schemastore.org/sarif-2.1.0.json): one run whose `tool.driver.rules` are every rule and whose `results` carry `ruleId`, `level`, `message.text`, the region (line/column) and `properties.severity`. `--list-rules --format json` prints the rules (`id`, `version`, `severity`, `libraries`, `summary`, `equivalents`, `deprecated`); `--explain-config --format json` the effective composed configuration. Rules: docs/reference/rules.md. Exit codes: 0 no finding at or above `failOn`; 1 at least one; 2 bad option, unreadable file or confiture.yaml.',
  },
  locks: {
    example: 'confiture locks migrations/0007_add_orders_currency.up.sql --format json\nconfiture locks --sql "ALTER TABLE shop.orders ADD COLUMN note text" --db embedded:confiture_demo',
    json: `{ "statements": [ { "index": 0, "kind": "alter_table",
                    "locks": [ { "relation": "shop.orders", "mode": "AccessExclusiveLock" } ],
                    "rewrites": false, "scans": false, "blocks": { "reads": true, "writes": true } } ] }`,
    notes: 'With `--db`, locks on relations created by the same SQL are left out of the JSON and the target version is the server\'s. Exit codes: 0 ok; 2 no/both inputs, bad `--pg-version`, parse error, unreadable file; 3 database error.',
  },
  risk: {
    example: 'confiture risk -p resources/demo --db embedded --to 0010 --format json',
    json: `{ "project": "/abs/path/demo", "connection": "…", "pgVersion": 15, "maxRisk": null, "exceeded": [],
  "calibration": { "samples": 0, "inside": 0, "coverage": null }, "throughput": "default",
  "migrations": [ { "version": "0004", "name": "create_payments_and_events", "score": 19, "level": "low",
                    "interval": [17.5, 21], "blockingWindowMs": { "estimate": 20, "low": 4, "high": 1200 },
                    "factors": [ { "name": "lock_impact", "value": 0.7, "weight": 0.2, "contribution": 14,
                                   "low": 0.7, "high": 0.7, "explanation": "…" } ],
                    "statements": [ { "index": 0, "line": 5, "kind": "create_table", "score": 17.5, "level": "low",
                                      "locks": [ { "relation": "shop.orders", "mode": "ShareRowExclusiveLock" } ],
                                      "rewrites": false, "scans": false, "blocks": { "reads": false, "writes": true, "ddl": true },
                                      "durationMs": { "estimate": 5, "low": 1, "high": 50, "basis": "none" },
                                      "blockingWindowMs": { "estimate": 5, "low": 1, "high": 1050, "basis": "none" },
                                      "safeAlternative": null } ],
                    "floors": [], "inputs": { "catalog": true, "rehearsed": false, "…": "…" },
                    "checksum": "91b3…", "hash": "3196…" } ] }`,
    notes: 'One entry per pending migration (up to `--to`). The model: docs/reference/risk-model.md. Exit codes: 0 ok; 1 a migration scores above `maxRisk` (listed in `exceeded`); 2 bad option or confiture.yaml; 3 database error.',
  },
  approve: {
    example: 'confiture approve 0007 --by alice --comment "rehearsed on staging" -p resources/demo\nconfiture approve 0007 --by bob --reject --offline',
    json: `{ "version": "0004",
  "record": { "decision": "approved", "by": "alice", "comment": "", "at": "2026-…Z", "checksum": "91b3…",
              "riskHash": "56e5…", "score": 33.6, "level": "medium", "auditHash": "a121…" },
  "state": "approved", "audit": { "ok": true, "entries": 1 } }`,
    notes: 'The decision is bound to the migration\'s checksum and to the risk report computed now; changing either invalidates it. Exit codes: 0 recorded; 2 unknown version, bad option or confiture.yaml; 3 database error.',
  },
  perf: {},
  'perf capture': {
    example: 'confiture perf capture --name before-0019 -p resources/demo --db embedded --runs 10',
    json: `{ "id": "20261123T223459726Z_before-0019", "file": "/abs/path/perf/baselines/20261123T223459726Z_before-0019.json",
  "queries": 17, "errors": [ { "id": "payments_of_order", "error": "failed during warm-up: …" } ],
  "overhead": { "wallMs": 676.1, "timedMs": 75.0, "warmupMs": 116.3, "explainMs": 27.2, "bookkeepingMs": 441.4,
                "throttleMs": 0, "dutyCycle": 0.98, "overheadPct": 779.6 },
  "notes": [ "…" ] }`,
    notes: '`--runs` and `--warmup` default to `perf.runs` / `perf.warmup` of confiture.yaml; at least 5 timed runs. Exit codes: 0 saved; 2 bad option, workload or confiture.yaml; 3 database error.',
  },
  'perf compare': {
    example: 'confiture perf compare before-0019 after-0019 -p resources/demo --format json\nconfiture perf compare latest --db embedded --save-as after-0019',
    json: `{ "baseline": { "id": "…_a", "name": "a", "createdAt": "…" }, "current": { "id": "…_b", "name": "b", "createdAt": "…" },
  "method": { "statistic": "ratio of medians, current / baseline", "interval": "percentile bootstrap …", "test": "…",
              "correction": "Benjamini–Hochberg …", "drift": "drift-corrected: …", "alpha": 0.05, "threshold": 0.1, "seed": 20240611, "resamples": 2000 },
  "environment": { "ratio": 1.12, "ci": [1.09, 1.15], "verdict": "shifted", "direction": "slower", "applied": true, "queries": 17, "minQueries": 8,
                   "note": "all queries 12.0 % slower together: the environment or a global change (settings, hardware, load, data volume), not one query …" },
  "queries": [ { "id": "customer_orders[regular]", "query": "customer_orders", "paramSet": "regular",
                 "baselineMedianMs": 0.397, "currentMedianMs": 0.339, "ratio": 0.8539, "ci": [0.5968, 1.2519], "ciLevel": 0.95,
                 "adjustedRatio": 0.7624, "adjustedCi": [0.5301, 1.1243], "verdict": "inconclusive", "pValue": 0.21, "qValue": 0.34, "runsNeeded": 33,
                 "planChanged": false, "planSummary": null, "reason": "…" } ],
  "unmatched": [ { "id": "payments_of_order", "reason": "…" } ],
  "summary": { "regression": 0, "improvement": 0, "unchanged": 0, "inconclusive": 13 },
  "warnings": [ "…" ] }`,
    notes: '`verdict` is `regression`, `improvement`, `unchanged` or `inconclusive`, judged on `adjustedRatio`/`adjustedCi`: the query relative to the common shift of the whole workload (`environment`; `perf.driftCorrection: false`, or fewer than 8 compared queries, judges raw timings and then `adjusted*` equal `ratio`/`ci`). `ratio`/`ci` stay the raw current/baseline figures. `environment.verdict` is `shifted` (interval excludes 1 and beyond the threshold), `stable` or `unknown` (too few queries). Exit codes: 0 no regression; 1 at least one query regression, or the whole workload significantly slower beyond the threshold (`environment` shifted slower); 2 unknown baseline or bad option; 3 database error (capture now).',
  },
  'perf list': {
    example: 'confiture perf list -p resources/demo --format json',
    json: `{ "baselines": [ { "id": "20261123T223459726Z_a", "name": "a", "file": "/abs/path/perf/baselines/…_a.json",
                   "createdAt": "…", "environment": "development", "serverVersion": "15.20 …",
                   "queries": 17, "runs": 5, "gitCommit": null } ] }`,
    notes: 'Reads the files only; `--db` is accepted but not used.',
  },
  'perf import-statements': {
    example: 'confiture perf import-statements -p resources/demo --db postgres://dba@prod-replica/shop --top 20 --write',
    json: `{ "statements": [ { "name": "orders_by_customer", "queryId": "-3141…", "sql": "SELECT … WHERE customer_id = $1",
                   "calls": 120345, "totalExecMs": 98211.4, "meanExecMs": 0.82, "placeholders": 1, "readOnly": true } ],
  "skipped": 3, "added": 17, "file": null, "yaml": "queries:\n  - name: orders_by_customer\n …" }`,
    notes: 'Needs the `pg_stat_statements` extension in the database (exit 2 with the steps to install it otherwise). With `--write`, `file` is the workload file and `yaml` is left out; without it, `file` is `null` and `yaml` holds the YAML to paste. Exit codes: 0 ok; 2 bad option, extension missing; 3 database error.',
  },
  hooks: {},
  'hooks list': {
    example: 'confiture hooks list -p resources/demo --offline --format json',
    json: `{ "hooks": [ { "id": "no-long-transactions", "kind": "sql", "on": ["before_run", "before_migration"], "priority": 0,
               "policy": "fail", "timeoutMs": 10000, "retries": 0, "dependsOn": [], "enabled": true,
               "target": "SELECT count(*) = 0 AS ok,", "breaker": null } ],
  "phases": [ { "phase": "before_run", "strategy": "sequential", "maxConcurrency": 4, "timeoutMs": 300000,
                "hooks": ["no-long-transactions"] } ],
  "breakersKnown": false }`,
    notes: 'Hooks: docs/reference/hooks.md.',
  },
  'hooks test': {
    example: 'confiture hooks test before_run -p resources/demo --db embedded\nconfiture hooks test after_migration --hook notify-slack',
    json: `{ "runId": "…", "phase": "before_run", "ok": true, "gate": { "proceed": true },
  "executions": [ { "runId": "…", "phase": "before_run", "hookId": "no-long-transactions", "kind": "sql", "attempt": 1,
                    "startedAt": "…", "finishedAt": "…", "durationMs": 9, "outcome": "success",
                    "outputExcerpt": "…", "error": null, "final": true } ],
  "warnings": [], "durationMs": 57 }`,
    notes: 'Exit codes: 0 every hook succeeded (or the gate is open); 1 a hook with policy `fail` failed; 2 unknown phase or hook, bad confiture.yaml; 3 database error.',
  },
  slo: {},
  'slo report': {
    example: 'confiture slo report -p resources/demo --db embedded --window 7d --format json',
    json: `{ "generatedAt": "…", "trackingSchema": "confiture", "windowOverride": null,
  "objectives": [ { "id": "runs-succeed", "description": "…", "sli": "run_success_rate", "objective": 0.99,
                    "window": "30d", "windowMs": 2592000000, "thresholdMs": null, "kinds": ["up", "down", "step"],
                    "total": 120, "good": 119, "bad": 1, "sliValue": 0.991667,
                    "allowedBad": 1.2, "budgetConsumed": 0.833333, "budgetRemaining": 0.166667,
                    "burnRate": { "short": 0, "long": 0.833333, "shortWindow": "24h", "shortTotal": 4, "shortBad": 0, "fastBurn": false, "fastBurnRate": 14.4 },
                    "status": "at_risk", "reason": "83.3 % of the error budget is spent (at risk from 75 %)",
                    "violations": [ { "runId": "…", "at": "…", "runKind": "up", "version": "0007", "direction": null,
                                      "statementIndex": 1, "line": 4, "statementKind": null, "durationMs": 812.4,
                                      "attempts": null, "detail": "0007_x.up.sql:4: …" } ],
                    "violationsTruncated": false } ],
  "summary": { "ok": 2, "at_risk": 1, "violated": 0, "no_data": 0 } }`,
    notes: `Evaluates every objective of \`slo:\` in confiture.yaml (or the defaults) over the run history recorded in the
tracking schema. \`--window\` evaluates every objective over that span instead of its own
(\`24h\`, \`7d\`, \`30d\`, 1h to 400d). See docs/guides/slo.md for what counts as good and the math.

\`status\` is \`ok\`, \`at_risk\`, \`violated\` or \`no_data\` (no event in the window). Exit codes: 0 no
objective violated (at risk and no data included); 1 at least one objective violated; 2 bad
option or confiture.yaml; 3 database error.

\`confiture migrate up|down\` also checks the run it just made against every objective: bad events
are printed (\`SLO: …\` on stderr), returned under \`"slo"\` in the JSON report, and fire the hooks
listening to \`alert_slo_violation\` (alert payload: \`{ kind, runId, objectives, violations }\`).`,
  },
  demo: {},
  'demo seed': {
    example: 'confiture demo seed --scale 0.1 --db embedded --format json',
    json: '{ "rows": 25400, "seconds": 3.81, "skipped": false }',
    notes: 'Applies the demo project (resources/demo) up to its baseline and fills it with realistic volumes; skipped when already seeded. Progress goes to stderr. `--scale` is above 0 and at most 10. Exit codes: 0 seeded or skipped; 2 bad option; 3 database error.',
  },
  migrate: {
    notes: `| command | what it does |
|---|---|
| \`confiture migrate up [--to V] [--steps N] [--dry-run] [--accept-drift] [--auto-abort-after MS]\` | apply pending migrations, each in one transaction with its tracking rows |
| \`confiture migrate down [--steps N \\| --to V] [--accept-drift]\` | revert the newest applied migrations with their \`.down.sql\` (default 1; \`--to 0\` = all) |
| \`confiture migrate dry-run [--to V] [--steps N]\` | rehearse in a transaction and roll back: per statement duration, rows, locks taken, rewrites |
| \`confiture migrate status\` | migrations with their state: applied, pending, changed, missing |

JSON report of \`up\`, \`down\` and \`dry-run\` (\`kind\` is \`up\`, \`down\` or \`dry_run\`; \`rehearsal\` only for a dry run,
\`blockers\` only when sessions blocked us, \`error\` only on failure, \`slo\` only for \`up\`/\`down\`):

\`\`\`json
{ "runId": "…", "kind": "up", "direction": "up", "ok": true, "outcome": "success", "durationMs": 633,
  "migrations": [ { "version": "0001", "name": "create_shop_schema", "outcome": "applied", "durationMs": 15.4, "attempts": 1,
                    "statements": [ { "version": "0001", "index": 0, "kind": "create_schema", "line": 4, "outcome": "success",
                                      "durationMs": 1.7, "rows": null, "attempts": 1 } ] } ],
  "rehearsal": [ { "version": "0005", "index": 0, "kind": "create_index", "line": 6, "durationMs": 11.8, "rows": null,
                   "locks": [ { "relation": "shop.orders", "mode": "ShareLock" } ], "rewritten": [], "rehearsed": true,
                   "locksHeld": [ { "relation": "shop.orders", "mode": "ShareLock" } ] } ],
  "blockers": [ "sessions that blocked us" ],
  "error": { "code": "migration_failed", "message": "0002_b.up.sql:4: …", "where": { "file": "…", "line": 4 } },
  "hooks": [ { "runId": "…", "phase": "before_run", "hookId": "no-long-transactions", "kind": "sql", "attempt": 1,
               "durationMs": 6, "outcome": "success", "error": null, "final": true, "…": "…" } ],
  "slo": { "runId": "…", "objectives": [ { "id": "runs-succeed", "sli": "run_success_rate", "total": 1, "bad": 0 } ], "violations": [] } }
\`\`\`

The run's \`outcome\` is \`success\`, \`failure\`, \`cancelled\` or \`policy_failure\`; a migration's is \`applied\`, \`reverted\`,
\`rehearsed\`, \`failed\`, \`cancelled\` or \`not_run\`; a statement's \`success\`, \`failure\`, \`skipped\` or \`cancelled\`. Exit codes: 0 ok; 1 a \`before_*\` gate said no; 2 parse error, file with its own COMMIT, drift,
missing \`.down.sql\`, bad option; 3 connection lost / database error; 4 a migration failed (rolled
back) or the run was aborted; 5 the run lock is held (the message names pid, host, since).`,
  },
  'migrate up': {
    example: 'confiture migrate up -p resources/demo --db embedded --to 0010\nconfiture migrate up --steps 1 --auto-abort-after 30000 --format json',
    notes: 'JSON: the run report under [migrate](#migrate).',
  },
  'migrate down': {
    example: 'confiture migrate down -p resources/demo --steps 2\nconfiture migrate down --to 0   # revert everything',
    notes: 'JSON: the run report under [migrate](#migrate).',
  },
  'migrate dry-run': {
    example: 'confiture migrate dry-run -p resources/demo --db embedded --to 0012 --format json',
    notes: 'JSON: the run report under [migrate](#migrate), with `rehearsal` (one entry per statement: duration, rows, locks taken, tables rewritten).',
  },
  'migrate status': {
    example: 'confiture migrate status -p resources/demo --format json',
    json: `{ "project": "/abs/path/demo", "connection": "…",
  "migrations": [ { "version": "0001", "name": "create_shop_schema", "state": "applied", "checksum": "f85f…",
                    "appliedChecksum": "f85f…", "appliedAt": "2026-…Z", "appliedBy": "alice",
                    "durationMs": 10.7, "hasDown": true } ] }`,
    notes: 'Same states as [status](#status); the JSON adds `appliedChecksum`, `durationMs` and `hasDown`.',
  },
};

const INTRO = `# CLI reference

<!-- GENERATED by scripts/gen-cli-doc.ts from the commander program and the examples in the script. Do not edit; run \`npm run docs\`. -->

\`confiture <command> [options]\` (\`node bin/confiture.mjs\` or \`npx confiture\`). Every command calls the same
services as the desktop app. \`confiture --help\`, \`confiture <command> --help\` and \`confiture --version\` print usage and
the version.

## Conventions

- \`-p, --project <dir>\`: the project folder, holding \`confiture.yaml\` (default \`.\`).
- \`--db <url|embedded|embedded:<db>>\`: a connection string; \`embedded\` for the embedded server (its database is
  \`confiture_<project name>\`, \`confiture_demo\` for \`demo seed\`); \`embedded:<db>\` for a named database on it.
  Default: \`$DATABASE_URL\`, else the embedded server. The embedded server keeps its data under \`$CONFITURE_DATA_DIR\`
  (default: per user).
- \`--format json\`: machine-readable output on stdout; logs and progress go to stderr. On error the JSON is
  \`{ "error": { "code", "message", "where"? } }\` and the message is repeated on stderr.

| exit code | meaning |
|---|---|
| 0 | ok |
| 1 | policy failure (lint findings at \`failOn\`, risk above \`maxRisk\`, a gate said no, a perf regression, an SLO violated, a failed hook) |
| 2 | usage, configuration or input error (bad option, confiture.yaml, parse error, drift, unknown version) |
| 3 | database error (connection, permissions, SQL) |
| 4 | migration failed and was rolled back (or the run was aborted) |
| 5 | another run holds the run lock |
`;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function walk(cmd: Command, out: Command[] = []): Command[] {
  for (const c of cmd.commands) {
    out.push(c);
    walk(c, out);
  }
  return out;
}

function defaultOf(o: Option): string {
  if (o.defaultValue === undefined) return o.mandatory ? '(required)' : '—';
  return `\`${String(o.defaultValue)}\``;
}

function renderCommand(cmd: Command, extra: Extra): string[] {
  const p = commandPath(cmd);
  const out: string[] = [`${p.includes(' ') ? '###' : '##'} ${p}`, '', cmd.description(), '', '```', `confiture ${p} ${cmd.usage()}`, '```', ''];
  const args = cmd.registeredArguments;
  if (args.length) {
    out.push('| argument | description |', '|---|---|');
    for (const a of args) {
      const n = `${a.name()}${a.variadic ? '...' : ''}`;
      out.push(`| \`${a.required ? `<${n}>` : `[${n}]`}\` | ${cell(a.description)} |`);
    }
    out.push('');
  }
  const opts = cmd.options.filter((o) => !o.hidden);
  if (opts.length) {
    out.push('| option | description | default |', '|---|---|---|');
    for (const o of opts) out.push(`| \`${cell(o.flags)}\` | ${cell(o.description)} | ${defaultOf(o)} |`);
    out.push('');
  }
  if (cmd.commands.length) {
    out.push('| subcommand | description |', '|---|---|');
    for (const c of cmd.commands) out.push(`| [\`${p} ${c.name()}\`](#${`${p} ${c.name()}`.replace(/ /g, '-')}) | ${cell(c.description())} |`);
    out.push('');
  }
  if (extra.example) out.push('Example:', '', '```sh', extra.example, '```', '');
  if (extra.json) out.push('`--format json`:', '', '```json', extra.json, '```', '');
  if (extra.notes) out.push(extra.notes, '');
  return out;
}

export function renderCliDoc(): string {
  const program = buildProgram(() => undefined);
  const commands = walk(program);
  const paths = new Set(commands.map(commandPath));
  const undocumented = [...paths].filter((p) => !(p in EXTRAS));
  const stale = Object.keys(EXTRAS).filter((p) => !paths.has(p));
  if (undocumented.length || stale.length) {
    throw new Error(`scripts/gen-cli-doc.ts EXTRAS is out of date: ${undocumented.length ? `add ${undocumented.join(', ')}` : ''}${undocumented.length && stale.length ? '; ' : ''}${stale.length ? `remove ${stale.join(', ')}` : ''}`);
  }
  const out: string[] = [INTRO, '## Commands', ''];
  for (const c of program.commands) out.push(`- [\`${c.name()}\`](#${c.name()}) — ${c.description()}`);
  out.push('');
  for (const c of commands) out.push(...renderCommand(c, EXTRAS[commandPath(c)]!));
  return out.join('\n').replace(/\n+$/, '\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(CLI_DOC, renderCliDoc());
  console.warn(`wrote ${path.relative(process.cwd(), CLI_DOC)}`);
}
