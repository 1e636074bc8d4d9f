/**
 * Generates docs/reference/cli.md from the commander program (src-main/cli/index.ts `buildProgram`)
 * plus the hand-maintained examples and JSON shapes in `EXTRAS` below.
 * Run: npm run docs   (or npx tsx scripts/gen-cli-doc.ts; a unit test fails when the checked-in file is stale)
 *
 * Every command path needs an entry in EXTRAS and every EXTRAS key must be a command: rendering throws
 * otherwise, so a new or renamed command cannot ship undocumented. Examples come from src-main/cli/help.ts
 * (the same ones `--help` prints). The JSON shapes are abbreviated; the contract is docs/schemas/*.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command, Option } from 'commander';
import { buildProgram } from '../src-main/cli/index';
import { allCommands, commandPath, EXAMPLES } from '../src-main/cli/help';

export const CLI_DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'reference', 'cli.md');

interface Extra {
  /** JSON printed on stdout with `--format json` (abbreviated; `…` marks elided values). */
  json?: string;
  /** Free prose (markdown) after the generated parts: exit codes, semantics. */
  notes?: string;
  /** docs/schemas/<schema>.json */
  schema?: string;
}

/** Hand-maintained, keyed by command path ('migrate up'). */
const EXTRAS: Record<string, Extra> = {
  rollout: { notes: 'Fleet rollouts in waves: see docs/guides/fleet.md.' },
  'rollout plan': {
    schema: 'rollout-plan',
    json: `{ "project": "shop", "env": "prod", "selector": null, "targetVersion": "0002", "versions": [ "0001", "0002" ],
  "config": { "waves": [ { "name": "canary", "size": 1 }, { "size": "rest" } ], "concurrency": 4, "perHost": 4, "errorBudget": 1,
              "gates": { "canaryBlockingFactor": 2, "canaryBlockingSlack": 1000, "sloViolations": 0, "soak": 0 } },
  "waves": [ { "wave": 1, "name": "canary", "concurrency": 4,
               "targets": [ { "name": "eu-1", "labels": { "tier": "gold" }, "host": "db-eu-1:5432", "connection": "postgres://app@db-eu-1:5432/shop" } ] } ] }`,
    notes: 'Durations in `config` are in milliseconds. Exit codes: 0 ok; 2 unknown environment, no target, bad option or confiture.yaml; 3 database error.',
  },
  'rollout start': {
    schema: 'rollout-start',
    json: '{ "rolloutId": "7f0c…", "plan": { "project": "shop", "env": "prod", "…": "the rollout plan document" } }',
    notes: 'With `--wait` or `--workers N` the JSON is the [rollout status](#rollout-status) document once the rollout completes, stops or is paused. Exit codes: 0 started, completed or paused; 4 the rollout stopped (error budget spent, a gate failed) or was aborted; 2 bad option or confiture.yaml; 3 database error.',
  },
  'rollout status': {
    schema: 'rollout-status',
    json: `{ "rollout": { "id": "7f0c…", "project": "shop", "env": "prod", "state": "stopped", "currentWave": 2, "failures": 1,
               "stopReason": "1 target(s) failed (error budget 1); last: us-1: …", "targetVersion": "0002",
               "createdAt": "2026-…Z", "finishedAt": null },
  "counts": { "applied": 2, "failed": 1 },
  "waves": [ { "wave": 1, "name": "canary", "size": 1, "concurrency": 4, "state": "passed", "counts": { "applied": 1 },
               "startedAt": "2026-…Z", "finishedAt": "2026-…Z",
               "gate": { "ok": true, "checks": [ { "gate": "canary_blocking", "ok": true, "detail": "…" } ], "at": "2026-…Z" } } ],
  "targets": [ { "name": "eu-1", "wave": 1, "state": "applied", "attempts": 1, "host": "db-eu-1:5432", "labels": { "tier": "gold" },
                 "applied": [ "0001", "0002" ], "durationMs": 812, "predictedBlockingMs": 3, "measuredBlockingMs": 2,
                 "sloViolations": 0, "error": null } ] }`,
    notes: '`state` of the rollout: `running`, `paused`, `stopped`, `aborted`, `completed`; of a wave: `pending`, `running`, `soaking`, `passed`, `failed`; of a target: `pending`, `queued`, `running`, `applied`, `failed`, `skipped` (`counts` leaves out states with no target). `rollout pause`, `resume` and `abort` print the same document after the change. Exit codes: 0 ok; 2 no rollout, bad option or confiture.yaml; 3 database error.',
  },
  'rollout pause': { notes: 'JSON: the [rollout status](#rollout-status) document ([schema](../schemas/rollout-status.json)).' },
  'rollout resume': { notes: 'JSON: the [rollout status](#rollout-status) document ([schema](../schemas/rollout-status.json)).' },
  'rollout abort': { notes: 'JSON: the [rollout status](#rollout-status) document ([schema](../schemas/rollout-status.json)).' },
  worker: { notes: 'Runs until Ctrl+C (SIGINT/SIGTERM); one line per target on stderr, nothing on stdout (no JSON document).' },
  drift: {
    schema: 'drift',
    json: `{ "connection": "postgres://dba@prod/shop", "versions": [ "0001", "0002" ],
  "differences": [ { "kind": "index", "object": "public.orders_status_idx", "change": "missing",
                     "message": "Index public.orders_status_idx is missing from the live database (the migrations create it)",
                     "expected": { "def": "CREATE INDEX orders_status_idx ON public.orders USING btree (status)" }, "actual": null,
                     "sql": "CREATE INDEX orders_status_idx ON public.orders USING btree (status);" } ],
  "liveServer": "15.8", "scratchServer": "15.8", "note": null }`,
    notes: '`change` is `missing` (the migrations create it, the live database lacks it), `extra` (the other way) or `changed`; `expected`/`actual` are the object\'s properties on each side (`null` on the side that lacks it). See docs/guides/drift-and-baseline.md. Exit codes: 0 no drift; 1 the live schema differs; 2 unknown version, bad option or confiture.yaml; 3 database error.',
  },
  baseline: {
    schema: 'baseline',
    json: `{ "connection": "postgres://dba@legacy/shop", "version": "0002", "refused": false,
  "recorded": [ "0001", "0002" ], "alreadyApplied": [], "differences": [] }`,
    notes: 'When the live schema differs from the migrations up to `--version`, `refused` is true, nothing is recorded and `differences` lists them as in [drift](#drift). Exit codes: 0 recorded; 1 refused; 2 later migrations already applied, unknown version, bad option or confiture.yaml; 3 database error.',
  },
  down: {},
  'down draft': {
    schema: 'down-draft',
    json: `{ "version": "0003", "name": "total_type", "hasDown": false,
  "sql": "-- DRAFT … REVIEW IT before use\\n…",
  "steps": [ { "line": 1, "up": "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)", "down": null, "note": "…" } ],
  "irreversible": [ { "line": 1, "statement": "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12,2)", "reason": "…" } ] }`,
    notes: 'Exit codes: 0 every statement is reversed; 1 some are irreversible (listed in `irreversible`); 2 unknown version, a .down.sql exists with `--write`, bad option or confiture.yaml.',
  },
  status: {
    schema: 'status',
    json: `{ "project": "/abs/path/demo", "connection": "embedded:confiture_demo",
  "migrations": [ { "version": "0001", "name": "create_shop_schema", "state": "applied",
                    "checksum": "f85f…", "appliedAt": "2026-…Z", "appliedBy": "alice" } ] }`,
    notes: '`state` is `applied`, `pending`, `changed` (the file\'s checksum differs from the applied one) or `missing` (applied, file gone); `appliedAt`/`appliedBy` are `null` when pending. Exit codes: 0 ok; 2 bad option or confiture.yaml; 3 database error.',
  },
  serve: {
    notes: 'Prints the URL with its token on stdout and runs until Ctrl+C (SIGINT/SIGTERM). `$CONFITURE_TOKEN` fixes the token (default: a random one). Exit codes: 0 stopped; 2 bad port or data dir.',
  },
  lint: {
    schema: 'lint',
    json: `{ "files": [ { "path": "/abs/path/migrations/0002_create_customers.up.sql",
               "findings": [ { "rule": "require-statement-timeout", "severity": "warning", "message": "…",
                               "line": 6, "column": 1, "help": "…" } ] } ],
  "summary": { "files": 30, "statements": 64, "bySeverity": { "info": 1, "warning": 32, "error": 9, "critical": 4 },
               "suppressed": 0, "failOn": "error", "failed": true, "pgVersion": 15, "configWarnings": [ "…" ] } }`,
    notes: `Formats:

- \`sarif\`: SARIF 2.1.0 (validated in the tests against the OASIS schema) for GitHub code scanning: one run whose
  \`tool.driver.rules\` are every rule (unique \`tags\` = its libraries, plus \`security\` for rules of a compliance library,
  which alone carry \`security-severity\`; \`helpUri\` = the rule's section of docs/reference/rules.md); \`results\` with
  \`ruleId\`, \`level\`, \`message.text\` (the finding, without the help), the region, \`partialFingerprints."confitureFinding/v1"\`
  (rule + file + normalised statement text + ordinal: distinct per finding, unchanged when lines are added above) and
  \`suppressions\` (\`inSource\`, with the reason) for suppressed findings; \`invocations[0].exitCode\`. URIs are relative to
  \`--sarif-root\` (default: the repository root holding \`.git\`, else the current folder), never absolute.
- \`gitlab\`: a GitLab Code Quality report (\`artifacts:reports:codequality\`): unsuppressed findings with \`check_name\`,
  \`severity\` (info, minor, major, critical), \`fingerprint\` and \`location.path\`/\`lines\` relative to \`--sarif-root\`.
- \`markdown\`: the pull-request report (findings table with links to the rules, suppressed findings folded).
- \`json\`: below; \`--list-rules --format json\` prints \`{ "schemaVersion", "rules": [...] }\`
  ([schema](../schemas/lint-rules.json)) and \`--explain-config --format json\` the effective configuration
  ([schema](../schemas/lint-config.json)).

With \`--progress\` (or on a terminal) a file counter is shown on stderr once linting takes 2 s. Rules:
docs/reference/rules.md. Exit codes: 0 no finding at or above \`failOn\`; 1 at least one; 2 unparseable SQL (a file the
PostgreSQL parser rejects: nothing in it could be checked, whatever \`failOn\` says), bad option, unreadable file or
confiture.yaml.`,
  },
  locks: {
    schema: 'locks',
    json: `{ "statements": [ { "index": 0, "kind": "alter_table",
                    "locks": [ { "relation": "shop.orders", "mode": "AccessExclusiveLock" } ],
                    "rewrites": false, "scans": false, "blocks": { "reads": true, "writes": true } } ] }`,
    notes: 'With `--db`, locks on relations created by the same SQL are left out of the JSON and the target version is the server\'s. `rewrites` and `scans` are `"unknown"` when the answer needs a catalog the analysis did not have; `unknown` then lists the open verdicts with what would decide them. Exit codes: 0 ok; 2 no/both inputs, bad `--pg-version`, parse error, unreadable file; 3 database error.',
  },
  risk: {
    schema: 'risk',
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
                    "checksum": "91b3…", "hash": "3196…",
                    "approval": { "required": true, "state": "missing", "reason": "0004 has not been approved" } } ] }`,
    notes: 'One entry per pending migration (up to `--to`, or the versions of `--only`). `approval` says whether the project requires a sign-off for it now (`risk.requireApprovalAbove`) and whether a current one is recorded (`approved`, `missing`, `stale`, `rejected`). `--format markdown` prints the pull-request report: level, score with its interval, blocking window with its 90 % interval, locks per statement, top factors and the approvals still needed. The model: docs/reference/risk-model.md. Exit codes: 0 ok; 1 a migration scores above `maxRisk` (listed in `exceeded`); 2 bad option or confiture.yaml; 3 database error.',
  },
  approve: {
    schema: 'approve',
    json: `{ "version": "0004",
  "record": { "decision": "approved", "by": "alice", "comment": "", "at": "2026-…Z", "checksum": "91b3…",
              "riskHash": "56e5…", "score": 33.6, "level": "medium", "auditHash": "a121…" },
  "state": "approved", "reason": "approved by alice at 2026-…Z", "anchored": true, "audit": { "ok": true, "entries": 1 } }`,
    notes: 'The decision records the risk computed now by the same review as `confiture risk` and the Risk screen (lint findings included), bound to the migration\'s checksum and that report\'s hash; it is appended to approvals/audit.log (hash chain), written to approvals/<version>.json and anchored in the database\'s tracking schema (`approval_anchor`) in one step. `migrate up` only accepts a decision anchored in its target database. While approvals/ is tampered with, decisions are refused until `--repair` (keeps the entries before the break, archives the tampered files under approvals/tampered-<time>/; every later approval stays revoked until re-approved). See docs/guides/approvals.md. Exit codes: 0 recorded; 1 the approvals are tampered with (use --repair); 2 unknown version, bad option or confiture.yaml; 3 database error.',
  },
  perf: {},
  'perf capture': {
    schema: 'perf-capture',
    json: `{ "id": "20261123T223459726Z_before-0019", "file": "/abs/path/perf/baselines/20261123T223459726Z_before-0019.json",
  "queries": 17, "errors": [ { "id": "payments_of_order", "error": "failed during warm-up: …" } ],
  "overhead": { "wallMs": 676.1, "timedMs": 75.0, "warmupMs": 116.3, "explainMs": 27.2, "bookkeepingMs": 441.4,
                "throttleMs": 0, "dutyCycle": 0.98, "overheadPct": 779.6 },
  "notes": [ "…" ] }`,
    notes: '`--runs` and `--warmup` default to `perf.runs` / `perf.warmup` of confiture.yaml; at least 5 timed runs. Exit codes: 0 saved; 2 bad option, workload or confiture.yaml; 3 database error.',
  },
  'perf compare': {
    schema: 'perf-compare',
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
  'perf ab': {
    schema: 'perf-ab',
    json: `{ "mode": "interleaved", "createdAt": "…", "before": { "label": "postgres://app@db/shop (clone shop_cfab_1a2b3c4d_a of shop)", "database": "shop_cfab_1a2b3c4d_a" },
  "after": { "label": "clone shop_cfab_1a2b3c4d_b + 0042_drop_index.up.sql", "database": "shop_cfab_1a2b3c4d_b" },
  "rehearsal": { "source": "shop", "beforeClone": "shop_cfab_1a2b3c4d_a", "clone": "shop_cfab_1a2b3c4d_b", "applied": [ "0042_drop_index.up.sql" ] },
  "method": { "design": "interleaved pairs: …", "statistic": "Hodges–Lehmann …", "interval": "…", "test": "two-sided Wilcoxon signed-rank …",
              "correction": "Benjamini–Hochberg …", "evidence": "…", "alpha": 0.05, "threshold": 0.1, "runs": 30, "orderSeed": 1234, "sessions": 30 },
  "queries": [ { "id": "orders_by_customer[regular]", "query": "orders_by_customer", "paramSet": "regular", "pairs": 30,
                 "beforeMedianMs": 0.21, "afterMedianMs": 14.8, "ratio": 70.2, "ci": [66.1, 74.9], "ciLevel": 0.95,
                 "verdict": "regression", "pValue": 1.7e-6, "qValue": 5.1e-6, "runsNeeded": null,
                 "evidence": { "available": true, "planChanged": true, "planSummary": "Index Scan → Seq Scan on orders",
                               "buffers": [19, 1914], "buffersRatio": 100.7, "rows": [15, 15], "rowsChanged": false,
                               "certain": true, "direction": "more", "summary": "plan changed: …; shared buffers 19 → 1914 (×100.74)" },
                 "reason": "…", "message": "…" } ],
  "unmatched": [], "summary": { "regression": 1, "improvement": 0, "unchanged": 1, "inconclusive": 1, "certain": 1 },
  "fails": true, "wallMs": 5210.4, "notes": [] }`,
    notes: 'Without `--after-db`, `--db` is cloned twice with `CREATE DATABASE … TEMPLATE` (PostgreSQL refuses while other sessions are connected to it): the workload runs on the two clones, never on `--db`; the `--apply` files run on the after clone (`rehearsal.clone`), the before clone (`rehearsal.beforeClone`) stays as it was, and both are dropped at the end (`--keep-clone` keeps them). Two clones, because a freshly read clone scans faster than a long-lived database (its pages sit differently in shared buffers), a bias toward `improvement`. `ratio` is the typical after/before ratio of the paired runs with its signed-rank interval; `verdict` as for `perf compare` (significant after Benjamini–Hochberg AND beyond `--threshold`). `evidence.certain` is deterministic: plan shape change, shared buffers ≥ 2× either way (and ≥ 10 blocks), or rows changed. Exit codes: 0 no regression; 1 a timing regression or certain evidence of more work (`fails`); 2 bad option or file; 3 database error or the clone was refused.',
  },
  'perf list': {
    schema: 'perf-list',
    json: `{ "baselines": [ { "id": "20261123T223459726Z_a", "name": "a", "file": "/abs/path/perf/baselines/…_a.json",
                   "createdAt": "…", "environment": "development", "serverVersion": "15.20 …",
                   "queries": 17, "runs": 5, "gitCommit": null } ] }`,
    notes: 'Reads the files only; `--db` is accepted but not used.',
  },
  'perf import-statements': {
    schema: 'perf-import-statements',
    json: `{ "statements": [ { "name": "orders_by_customer", "queryId": "-3141…", "sql": "SELECT … WHERE customer_id = $1",
                   "calls": 120345, "totalExecMs": 98211.4, "meanExecMs": 0.82, "placeholders": 1, "readOnly": true } ],
  "skipped": 3, "added": 17, "file": null, "yaml": "queries:\n  - name: orders_by_customer\n …" }`,
    notes: 'Needs the `pg_stat_statements` extension in the database (exit 2 with the steps to install it otherwise). With `--write`, `file` is the workload file and `yaml` is left out; without it, `file` is `null` and `yaml` holds the YAML to paste. Exit codes: 0 ok; 2 bad option, extension missing; 3 database error.',
  },
  hooks: {},
  'hooks list': {
    schema: 'hooks-list',
    json: `{ "hooks": [ { "id": "no-long-transactions", "kind": "sql", "on": ["before_run", "before_migration"], "priority": 0,
               "policy": "fail", "timeoutMs": 10000, "retries": 0, "dependsOn": [], "enabled": true,
               "target": "SELECT count(*) = 0 AS ok,", "breaker": null } ],
  "phases": [ { "phase": "before_run", "strategy": "sequential", "maxConcurrency": 4, "timeoutMs": 300000,
                "hooks": ["no-long-transactions"] } ],
  "breakersKnown": false }`,
    notes: 'Hooks: docs/reference/hooks.md.',
  },
  'hooks test': {
    schema: 'hooks-test',
    json: `{ "runId": "…", "phase": "before_run", "ok": true, "gate": { "proceed": true },
  "executions": [ { "runId": "…", "phase": "before_run", "hookId": "no-long-transactions", "kind": "sql", "attempt": 1,
                    "startedAt": "…", "finishedAt": "…", "durationMs": 9, "outcome": "success",
                    "outputExcerpt": "…", "error": null, "final": true } ],
  "warnings": [], "durationMs": 57 }`,
    notes: 'Exit codes: 0 every hook succeeded (or the gate is open); 1 a hook with policy `fail` failed; 2 unknown phase or hook, bad confiture.yaml; 3 database error.',
  },
  slo: {},
  'slo report': {
    schema: 'slo-report',
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
    schema: 'demo-seed',
    json: '{ "rows": 25400, "seconds": 3.81, "skipped": false }',
    notes: 'Applies the demo project (resources/demo) up to its baseline and fills it with realistic volumes; skipped when already seeded. Progress goes to stderr. `--scale` is above 0 and at most 10. Exit codes: 0 seeded or skipped; 2 bad option; 3 database error.',
  },
  migrate: {
    schema: 'migrate-run',
    notes: `| command | what it does |
|---|---|
| \`confiture migrate up [--to V] [--steps N] [--dry-run] [--accept-drift] [--auto-abort-after MS]\` | apply pending migrations, each in one transaction with its tracking rows |
| \`confiture migrate down [--steps N \\| --to V] [--accept-drift]\` | revert the newest applied migrations with their \`.down.sql\` (default 1; \`--to 0\` = all) |
| \`confiture migrate dry-run [--to V] [--steps N]\` | rehearse in a transaction and roll back: per statement duration, rows, locks taken, rewrites |
| \`confiture migrate status\` | migrations with their state: applied, pending, changed, missing |

JSON report of \`up\`, \`down\` and \`dry-run\` (\`kind\` is \`up\`, \`down\` or \`dry_run\`; \`rehearsal\` only for a dry run,
\`blockers\` only when sessions blocked us, \`error\` only on failure, \`slo\` only for \`up\`/\`down\`):

\`\`\`json
{ "schemaVersion": 1, "runId": "…", "kind": "up", "direction": "up", "ok": true, "outcome": "success", "durationMs": 633,
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
\`rehearsed\`, \`failed\`, \`cancelled\` or \`not_run\`; a statement's \`success\`, \`failure\`, \`skipped\` or \`cancelled\`. Exit codes: 0 ok; 1 a \`before_*\` gate said no — among them the approval gate: a migration above \`risk.requireApprovalAbove\` (default \`low\`) without a current approval anchored in the target database, or with its approval revoked because approvals/ was tampered with (the message names \`confiture approve <version>\`, with \`--repair\` after tampering; see docs/guides/approvals.md); 2 parse error, file with its own COMMIT, drift,
missing \`.down.sql\`, bad option; 3 connection lost / database error; 4 a migration failed (rolled
back) or the run was aborted; 5 the run lock is held (the message names pid, host, since).`,
  },
  'migrate up': {
    notes: 'JSON: the run report under [migrate](#migrate).',
  },
  'migrate down': {
    notes: 'JSON: the run report under [migrate](#migrate).',
  },
  'migrate dry-run': {
    notes: 'JSON: the run report under [migrate](#migrate), with `rehearsal` (one entry per statement: duration, rows, locks taken, tables rewritten).',
  },
  metrics: {
    schema: 'metrics',
    json: `{ "project": "demo", "connection": "…",
  "metrics": [ { "name": "confiture_runs_total", "help": "…", "type": "counter",
                 "samples": [ { "labels": { "project": "demo", "kind": "up", "outcome": "success" }, "value": 12 } ] } ] }`,
    notes: 'Prometheus text format 0.0.4 on stdout (for node_exporter\'s textfile collector, a Pushgateway, or a scrape through a tiny wrapper): runs by kind and outcome, run/migration/statement duration histograms, lock-timeout retries, whether a run holds the run lock now and for how long, hook outcomes and attempt durations, and per SLO objective its target, window, good/bad events, SLI, remaining error budget, burn rates (short window and whole window) and status. Every series carries `project`. Metric reference: docs/guides/observability.md. Exit codes: 0 ok; 2 bad option or confiture.yaml; 3 database error.',
  },
  completion: {
    notes: 'Prints a completion script generated from this version\'s commands: subcommands, options, `--format` values and directories for `--project`. Exit codes: 0 printed; 2 unknown shell.',
  },
  'migrate status': {
    schema: 'migrate-status',
    json: `{ "project": "/abs/path/demo", "connection": "…",
  "migrations": [ { "version": "0001", "name": "create_shop_schema", "state": "applied", "checksum": "f85f…",
                    "appliedChecksum": "f85f…", "appliedAt": "2026-…Z", "appliedBy": "alice",
                    "durationMs": 10.7, "hasDown": true } ] }`,
    notes: 'Same states as [status](#status); the JSON adds `appliedChecksum`, `durationMs` and `hasDown`.',
  },
};

const INTRO = `# CLI reference

<!-- GENERATED by scripts/gen-cli-doc.ts from the commander program, src-main/cli/help.ts and the notes in the script. Do not edit; run \`npm run docs\`. -->

\`confiture <command> [options]\` (\`node bin/confiture.mjs\` or \`npx confiture\`). Every command calls the same
services as the desktop app. \`confiture --help\`, \`confiture <command> --help\` and \`confiture --version\` print usage and
the version.

## Conventions

- \`-p, --project <dir>\`: the project folder, holding \`confiture.yaml\` (default \`.\`).
- \`--db <url|embedded|embedded:<db>>\`: a connection string; \`embedded\` for the embedded server (its database is
  \`confiture_<project name>\`, \`confiture_demo\` for \`demo seed\`); \`embedded:<db>\` for a named database on it.
  Default: \`$DATABASE_URL\`, else the embedded server. The embedded server keeps its data under \`$CONFITURE_DATA_DIR\`
  (default: per user).
- \`--format json\`: machine-readable output on stdout; logs and progress go to stderr. Every document starts with
  \`"schemaVersion": 1\` and has a JSON Schema in [docs/schemas](../schemas/README.md). On error the JSON is
  \`{ "schemaVersion": 1, "error": { "code", "message", "where"? } }\` and the message is repeated on stderr.

Options every command accepts (before or after the command name):

| option | effect |
|---|---|
| \`--no-color\` | no colour; also when \`NO_COLOR\` is set to anything, and whenever stdout is not a terminal |
| \`-q, --quiet\` | results and errors only: no progress, hook lines or notes on stderr |
| \`--progress\` | show progress on stderr even when it is not a terminal (CI logs: one line per update, at most one a second) |
| \`--no-progress\` | never show progress |

Progress appears on stderr, never on stdout, once an operation has lasted 2 s, and only on a terminal unless
\`--progress\` asks for it: \`migrate\` shows the statement running, its elapsed time and the locks it holds (or whom it
waits for); \`lint\` counts files. \`confiture completion bash|zsh|fish\` prints shell completion.

| exit code | meaning |
|---|---|
| 0 | ok |
| 1 | policy failure (lint findings at \`failOn\`, risk above \`maxRisk\`, a gate said no, a perf regression, an SLO violated, a failed hook, \`drift\` found the live schema differs, \`baseline\` refused) |
| 2 | usage, configuration or input error (bad option, confiture.yaml, unparseable SQL, an applied migration's file changed since (checksum drift), unknown version) |
| 3 | database error (connection, permissions, SQL) |
| 4 | migration failed and was rolled back (or the run was aborted) |
| 5 | another run holds the run lock |
`;

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');


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
  const examples = EXAMPLES[p] ?? [];
  if (examples.length) out.push(examples.length > 1 ? 'Examples:' : 'Example:', '', '```sh', ...examples, '```', '');
  if (extra.json) out.push(`\`--format json\`${extra.schema ? ` ([schema](../schemas/${extra.schema}.json))` : ''}:`, '', '```json', extra.schema ? extra.json.replace(/^\{ /, '{ "schemaVersion": 1, ') : extra.json, '```', '');
  if (extra.notes) out.push(extra.notes, '');
  return out;
}

export function renderCliDoc(): string {
  const program = buildProgram(() => undefined);
  const commands = allCommands(program);
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
