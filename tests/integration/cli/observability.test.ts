/**
 * What a DBA watches while and after `migrate up` runs, on a real database: the progress line
 * (statement, elapsed time, the lock it holds) on stderr; the OpenTelemetry trace of the run as a
 * local OTLP/HTTP receiver decodes it; and `confiture metrics` read by the Prometheus parsers.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { parseExposition, type ParsedFamily } from '../../helpers/prometheus';
import { confiture, type CliRun } from './run-cli';
import { expectDocument } from './documents';

// every case runs several CLI processes: minutes on a loaded 2-core machine
vi.setConfig({ testTimeout: 300_000, hookTimeout: 300_000 });

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number };
}

/** A local OTLP/HTTP receiver: decodes the JSON export requests it gets on /v1/traces. */
async function otlpReceiver() {
  const requests: { path: string; contentType: string; body: { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] } }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    spans: () => requests.flatMap((r) => r.body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans))),
    resources: () => requests.flatMap((r) => r.body.resourceSpans.map((rs) => rs.resource)),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const attr = (s: { attributes: OtlpSpan['attributes'] }, key: string) => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  return v ? (v.stringValue ?? v.intValue ?? v.boolValue ?? v.doubleValue) : undefined;
};

let db: TestDatabase;
let project: TempProject;
let dataDir: string;
let rx: Awaited<ReturnType<typeof otlpReceiver>>;
let up: CliRun;

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-observability-'));
  db = await createTestDatabase('cf_observability');
  rx = await otlpReceiver();
  project = makeProject(
    {
      '0001_create_accounts.up.sql': 'CREATE TABLE accounts (id bigint PRIMARY KEY);\nINSERT INTO accounts SELECT g FROM generate_series(1, 100) g;\n',
      // a long statement while holding ACCESS EXCLUSIVE on accounts
      '0002_slow_rewrite.up.sql': 'LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;\nSELECT pg_sleep(3.5);\n',
      '0002_slow_rewrite.down.sql': 'SELECT 1;\n',
    },
    `name: observed
risk:
  requireApprovalAbove: null
hooks:
  hooks:
    - id: gate
      on: [before_run, before_migration, after_migration]
      kind: sql
      sql: SELECT true AS ok
`,
  );
  const running = confiture(['migrate', 'up', '-p', project.dir, '--db', db.url, '--progress'], { dataDir, env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SERVICE_NAME: 'confiture-ci' } });
  // a dashboard reads accounts while 0002 sleeps under its ACCESS EXCLUSIVE lock: it waits, and the run records it
  const reader = await db.client();
  try {
    for (let i = 0; i < 300; i++) {
      const r = await db.pool.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT pg_sleep(3.5)%'");
      if (r.rowCount) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await reader.query("SET application_name = 'dashboard'");
    const read = reader.query('SELECT count(*) FROM accounts');
    up = await running;
    await read;
  } finally {
    await reader.end();
  }
}, 240_000);

afterAll(async () => {
  await rx?.close();
  project?.remove();
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('migrate up, watched', () => {
  it('applies both migrations', () => {
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/applied\s+0002_slow_rewrite/);
    // … and says whom 0002 made wait
    expect(up.stdout).toMatch(/0002_slow_rewrite.*\n\s+blocked 1 session \(dashboard\): the longest waited at least [\d.]+ (ms|s) \(lock monitor, every 1\.0 s\)/);
  });

  it('shows the long statement on stderr with its elapsed time and the lock it holds, never on stdout', () => {
    expect(up.stderr).toMatch(/0002_slow_rewrite: statement 2 \(select, line 2\) … \d+\.\d s — holds AccessExclusiveLock on (public\.)?accounts/);
    expect(up.stdout).not.toContain('…');
  });

  it('exports one trace: run → migrations → statements, with hook spans, to the OTLP endpoint', () => {
    expect(rx.requests.length).toBeGreaterThan(0);
    expect(rx.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json'))).toBe(true);
    expect(rx.resources().some((r) => attr(r, 'service.name') === 'confiture-ci')).toBe(true);
    const spans = rx.spans();
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parent = (s: OtlpSpan) => (s.parentSpanId ? byId.get(s.parentSpanId) : undefined);
    const run = spans.filter((s) => !s.parentSpanId);
    expect(run.map((s) => s.name)).toEqual(['confiture run (up)']);
    const migrations = spans.filter((s) => s.name.startsWith('migration '));
    expect(migrations.map((s) => s.name).sort()).toEqual(['migration 0001_create_accounts', 'migration 0002_slow_rewrite']);
    for (const m of migrations) expect(parent(m)).toBe(run[0]);
    const statements = spans.filter((s) => s.name.startsWith('statement '));
    expect(statements).toHaveLength(4);
    for (const s of statements) expect(parent(s)!.name).toMatch(/^migration /);
    const sleep = statements.find((s) => attr(s, 'confiture.statement.kind') === 'select')!;
    expect(parent(sleep)!.name).toBe('migration 0002_slow_rewrite');
    expect((BigInt(sleep.endTimeUnixNano) - BigInt(sleep.startTimeUnixNano)) / 1_000_000n).toBeGreaterThanOrEqual(3400n);
    const hooks = spans.filter((s) => s.name.startsWith('hook gate'));
    expect(hooks.map((h) => attr(h, 'confiture.hook.phase')).sort()).toEqual(['after_migration', 'after_migration', 'before_migration', 'before_migration', 'before_run']);
    for (const h of hooks) expect(parent(h)!.name, String(attr(h, 'confiture.hook.phase'))).toMatch(attr(h, 'confiture.hook.phase') === 'before_run' ? /^confiture run \(up\)$/ : /^migration 000[12]_/);
    // children within their parents
    for (const s of [...migrations, ...statements, ...hooks]) {
      const p = parent(s)!;
      expect(BigInt(s.startTimeUnixNano) >= BigInt(p.startTimeUnixNano) && BigInt(s.endTimeUnixNano) <= BigInt(p.endTimeUnixNano), s.name).toBe(true);
    }
  });

  it('exposes the run in Prometheus and OpenMetrics text that the official parsers accept', async () => {
    const [prom, om] = await Promise.all([confiture(['metrics', '-p', project.dir, '--db', db.url], { dataDir }), confiture(['metrics', '-p', project.dir, '--db', db.url, '--format', 'openmetrics'], { dataDir })]);
    expect(prom.code, prom.stderr).toBe(0);
    expect(om.code, om.stderr).toBe(0);
    const families = parseExposition(prom.stdout, 'prometheus');
    expect(parseExposition(om.stdout, 'openmetrics').map((f) => f.name)).toEqual(families.map((f) => f.name));
    const fam = (name: string): ParsedFamily => families.find((f) => f.name === name)!;
    const value = (name: string, sample: string, labels: Record<string, string> = {}) =>
      fam(name).samples.find((s) => s.name === sample && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
    expect(value('confiture_runs', 'confiture_runs_total', { kind: 'up', outcome: 'success', project: 'observed' })).toBe(1);
    expect(value('confiture_migrations', 'confiture_migrations', { state: 'applied' })).toBe(2);
    expect(value('confiture_statement_duration_seconds', 'confiture_statement_duration_seconds_count', { kind: 'select' })).toBe(1);
    expect(value('confiture_statement_duration_seconds', 'confiture_statement_duration_seconds_sum', { kind: 'select' })).toBeGreaterThanOrEqual(3.4);
    expect(value('confiture_statement_duration_seconds', 'confiture_statement_duration_seconds_bucket', { kind: 'select', le: '2.5' })).toBe(0);
    expect(value('confiture_statement_duration_seconds', 'confiture_statement_duration_seconds_bucket', { kind: 'select', le: '5' })).toBe(1);
    expect(value('confiture_migration_duration_seconds', 'confiture_migration_duration_seconds_count', { direction: 'up' })).toBe(2);
    expect(value('confiture_hook_executions', 'confiture_hook_executions_total', { hook: 'gate', phase: 'before_migration', outcome: 'success' })).toBe(2);
    expect(value('confiture_run_lock_held', 'confiture_run_lock_held')).toBe(0);
    expect(value('confiture_statement_lock_retries', 'confiture_statement_lock_retries_total', { kind: 'select' })).toBe(0);
    // measured blocking: the dashboard waited on 0002 (recorded in the runs table when the run ended)
    expect(value('confiture_migration_blocked_sessions', 'confiture_migration_blocked_sessions_total')).toBe(1);
    expect(value('confiture_migration_blocked_wait_seconds', 'confiture_migration_blocked_wait_seconds_count')).toBe(1);
    expect(value('confiture_migration_blocked_wait_seconds', 'confiture_migration_blocked_wait_seconds_sum')).toBeGreaterThan(0);
    expect(value('confiture_slo_status', 'confiture_slo_status', { objective: 'runs-succeed', status: 'ok' })).toBe(1);
    expect(value('confiture_slo_error_budget_remaining_ratio', 'confiture_slo_error_budget_remaining_ratio', { objective: 'runs-succeed' })).toBe(1);
    expect(value('confiture_slo_burn_rate', 'confiture_slo_burn_rate', { objective: 'runs-succeed', window: '30d' })).toBe(0);
  });

  it('status keeps it with the applied migration: text, and JSON valid against docs/schemas/status.json', async () => {
    const text = await confiture(['status', '-p', project.dir, '--db', db.url], { dataDir });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/applied\s+0002\s+slow_rewrite\s+\(blocked 1 session \(dashboard\): the longest waited at least [\d.]+ (ms|s) \(lock monitor, every 1\.0 s\)\)/);
    expect(text.stdout).not.toMatch(/0001.*blocked/);
    const json = expectDocument('status', await confiture(['status', '-p', project.dir, '--db', db.url, '--format', 'json'], { dataDir }));
    const byVersion = new Map((json.migrations as { version: string; blockedOthers?: unknown }[]).map((m) => [m.version, m]));
    expect(byVersion.get('0002')!.blockedOthers).toMatchObject({ sessions: 1, who: ['dashboard'], sampledEveryMs: 1000 });
    expect(byVersion.get('0001')!.blockedOthers).toBeUndefined();
  });

  it('prints no progress when stderr is not a terminal and --progress is not given', async () => {
    const down = await confiture(['migrate', 'down', '-p', project.dir, '--db', db.url, '--steps', '1'], { dataDir, env: { CONFITURE_PROGRESS_DELAY_MS: '0' } });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).not.toContain('…');
  });
});
