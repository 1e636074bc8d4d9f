/**
 * Lock verdicts against a real server, on real migration histories.
 *
 *   npx tsx bench/locks/run.ts <dir-of-.sql-files> [--db postgres://…] [--verbose]
 *   (without --db or $DATABASE_URL it starts an embedded PostgreSQL 18 of its own)
 *
 * The .sql files are replayed in name order on a scratch database (created and dropped here).
 * Each statement is first traced inside a rolled-back transaction (pg_locks of our backend,
 * relfilenode, as tests/integration/locks does), then applied for real so the next statements
 * find their schema. Our analysis of the statement is taken twice: with a catalog snapshot of the
 * scratch database taken before its file (plus the file's own earlier statements, as the product
 * does) and without any catalog (the earlier files of the folder as the plan, as a project is
 * analysed offline). Compared per statement:
 *   - lock match: the strongest lock on every pre-existing table/view/matview/sequence equals
 *     what pg_locks showed (indexes, sequences and relations the statement creates are not compared);
 *   - rewrite agreement: "rewrites" equals whether the target relation got a new relfilenode.
 * An explicit "unknown" (the analysis says it cannot tell without a catalog) is counted apart,
 * never as right. Statements that fail on the server, and non-transactional ones, are skipped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { snapshotCatalog } from '../../src-main/catalog';
import { analyzeLocks, newPlanChecks, strongest, traceStatement, type LockMode } from '../../src-main/locks';
import { initParser, parseSql } from '../../src-main/parse';
import type { StatementLocks } from '../../src-shared/domain/locks';
import { benchServer } from '../server';

const args = process.argv.slice(2);
const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--db');
if (!dir) {
  console.error('usage: npx tsx bench/locks/run.ts <dir-of-.sql-files> [--db postgres://…] [--verbose]   (no --db and no DATABASE_URL: an embedded PostgreSQL 18)');
  process.exit(2);
}
const verbose = args.includes('--verbose');
// tables, partitioned tables, matviews, foreign tables, views; indexes and sequences (nextval's
// RowExclusiveLock, a dropped table's owned sequence) are not compared
const KINDS = new Set(['r', 'p', 'm', 'f', 'v']);

type Verdict = 'right' | 'wrong' | 'unknown';
interface Tally {
  locks: Record<Verdict, number>;
  rewrite: Record<Verdict, number>;
}
const tally = (): Tally => ({ locks: { right: 0, wrong: 0, unknown: 0 }, rewrite: { right: 0, wrong: 0, unknown: 0 } });

function byRelation(pairs: { relation: string; mode: LockMode }[]): Map<string, LockMode> {
  const out = new Map<string, LockMode[]>();
  for (const p of pairs) out.set(p.relation, [...(out.get(p.relation) ?? []), p.mode]);
  return new Map([...out].map(([k, v]) => [k, strongest(v)!]));
}

/** `orders` / `public.orders` / `"Orders"` → one comparable name. */
const norm = (rel: string) => rel.replace(/"/g, '').replace(/^public\./, '');

function judge(s: StatementLocks, observed: Map<string, LockMode>, existing: Set<string>, rewritten: boolean, target: string | null): { locks: Verdict; rewrite: Verdict; detail: string } {
  const claimed = byRelation(s.locks.filter((l) => !l.unresolved && existing.has(norm(l.relation))).map((l) => ({ relation: norm(l.relation), mode: l.mode })));
  const wrongRel: string[] = [];
  for (const [rel, mode] of observed) if (claimed.get(rel) !== mode) wrongRel.push(`${rel}: saw ${mode}, said ${claimed.get(rel) ?? 'nothing'}`);
  for (const [rel, mode] of claimed) if (!observed.has(rel)) wrongRel.push(`${rel}: saw nothing, said ${mode}`);
  const openLocks = s.unknowns?.some((u) => u.fact === 'locks') ?? false;
  const openRewrite = s.unknowns?.some((u) => u.fact === 'rewrite') ?? false;
  const locks: Verdict = wrongRel.length === 0 ? 'right' : openLocks ? 'unknown' : 'wrong';
  const rewrite: Verdict = target === null ? 'right' : s.rewrites === rewritten ? 'right' : openRewrite ? 'unknown' : 'wrong';
  return { locks, rewrite, detail: `${wrongRel.join('; ')}${rewrite !== 'right' ? ` rewrite: saw ${rewritten}, said ${s.rewrites}` : ''}` };
}

async function main(): Promise<void> {
  await initParser();
  const files = fs.readdirSync(dir!).filter((f) => f.endsWith('.sql')).sort();
  const bench = await benchServer('locks');
  const adminUrl = bench.adminUrl;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const name = `bench_locks_${process.pid}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  const server = (await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 4 });
  // an idle connection terminated by the server (another session's pg_terminate_backend) is replaced, not fatal
  pool.on('error', () => undefined);
  const withCat = tally();
  const without = tally();
  const offlinePlan = newPlanChecks();
  let statements = 0;
  let skipped = 0;
  let failed = 0;
  const misses: string[] = [];
  try {
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir!, f), 'utf8');
      const parsed = parseSql(text, f);
      if (parsed.problems.some((p) => p.severity === 'error')) {
        skipped += parsed.statements.length || 1;
        continue;
      }
      const catalog = await snapshotCatalog(pool, { windowMs: 0 });
      const a1 = analyzeLocks(parsed, { pgVersion: Number(server), catalog });
      // without a catalog, the files before it are the plan (a project is analysed as one plan offline too)
      const a0 = analyzeLocks(parsed, { pgVersion: Number(server), plan: offlinePlan });
      for (const stmt of parsed.statements) {
        if (!stmt.transactional || stmt.txControl) {
          skipped++;
          continue;
        }
        const before = await c.query<{ name: string }>(
          `SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.relkind IN ('r','p','m','f','v') AND n.nspname NOT IN ('pg_catalog','information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
        );
        const existing = new Set(before.rows.map((r) => norm(r.name)));
        let trace;
        await c.query('BEGIN');
        try {
          trace = await traceStatement(c, stmt.sql);
        } catch {
          trace = null;
        } finally {
          await c.query('ROLLBACK');
        }
        if (!trace) {
          failed++;
          continue;
        }
        // apply it for real: later statements need the schema it makes
        try {
          await c.query(stmt.sql);
        } catch {
          /* traced fine but not applicable outside the trace: ignore */
        }
        statements++;
        const observed = byRelation(trace.locks.filter((l) => KINDS.has(l.relkind)).map((l) => ({ relation: norm(l.relation), mode: l.mode })));
        const s1 = a1.statements[stmt.index]!;
        const s0 = a0.statements[stmt.index]!;
        const target = s1.locks.find((l) => l.role === 'target' && existing.has(norm(l.relation)))?.relation ?? null;
        const rewritten = target !== null && trace.rewritten.map(norm).includes(norm(target));
        for (const [t, s, label] of [[withCat, s1, 'catalog'], [without, s0, 'no catalog']] as const) {
          const v = judge(s, observed, existing, rewritten, target);
          t.locks[v.locks]++;
          t.rewrite[v.rewrite]++;
          if ((v.locks === 'wrong' || v.rewrite === 'wrong') && (verbose || label === 'catalog')) misses.push(`[${label}] ${f}:${stmt.range.start.line} ${stmt.sql.replace(/\s+/g, ' ').slice(0, 110)} — ${v.detail}`);
          else if (verbose && (v.locks === 'unknown' || v.rewrite === 'unknown')) misses.push(`[${label}, unknown] ${f}:${stmt.range.start.line} ${stmt.sql.replace(/\s+/g, ' ').slice(0, 110)} — ${v.detail}`);
        }
      }
    }
  } finally {
    await pool.end();
    await c.end();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    await bench.stop();
  }
  const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(1)} %`;
  const line = (t: Tally, what: 'locks' | 'rewrite') => {
    const n = t[what].right + t[what].wrong + t[what].unknown;
    return `${pct(t[what].right, n)} right, ${pct(t[what].wrong, n)} wrong, ${pct(t[what].unknown, n)} unknown (${t[what].right}/${t[what].wrong}/${t[what].unknown} of ${n})`;
  };
  console.log(`PostgreSQL ${server}; ${files.length} files, ${statements} statements traced (${skipped} non-transactional or unparsable skipped, ${failed} failed on the server); load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  console.log(`with a catalog:    strongest lock per relation ${line(withCat, 'locks')}`);
  console.log(`                   rewrite flag                 ${line(withCat, 'rewrite')}`);
  console.log(`without a catalog: strongest lock per relation ${line(without, 'locks')}`);
  console.log(`                   rewrite flag                 ${line(without, 'rewrite')}`);
  if (misses.length) {
    console.log(`\nwrong verdicts${verbose ? ' and unknowns' : ' (with a catalog; --verbose for all, and the unknowns)'}:`);
    for (const m of misses) console.log(`  ${m}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
