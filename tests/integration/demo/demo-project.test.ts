/**
 * The demo project (resources/demo) on a real server: every migration parses with the
 * PostgreSQL parser, applies in order, the down files undo their up files back to the seed
 * baseline, and the seed files fill the baseline proportionally to the scale, idempotently,
 * with data the later migrations (FK validation, NOT NULL, type change...) accept.
 *
 * Migrations are run here with a plain `BEGIN; <file>; COMMIT` (files with CONCURRENTLY run on
 * their own), not through the engine, so this test checks the demo's SQL and nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { initParser, parseSql } from '../../../src-main/parse';
import { compareVersions, openProject } from '../../../src-main/project';
import type { MigrationFile } from '../../../src-shared/domain/project';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

const DEMO_DIR = fileURLToPath(new URL('../../../resources/demo/', import.meta.url));
const SEED_DIR = path.join(DEMO_DIR, 'seed');

const SeedPlanSchema = z
  .object({
    baseline: z.string().regex(/^[0-9][0-9._]*$/),
    steps: z
      .array(
        z
          .object({
            table: z.string().regex(/^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/),
            file: z.string().regex(/^[a-z0-9_-]+\.sql$/),
            rows: z.number().int().positive(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();
type SeedPlan = z.infer<typeof SeedPlanSchema>;

const project = openProject(DEMO_DIR);
const migrations: MigrationFile[] = [...project.migrations].sort((a, b) => compareVersions(a.version, b.version));
const seedPlan: SeedPlan = SeedPlanSchema.parse(parseYaml(fs.readFileSync(path.join(SEED_DIR, 'seed.yaml'), 'utf8')));
const baseline = migrations.filter((m) => compareVersions(m.version, seedPlan.baseline) <= 0);
const evolution = migrations.filter((m) => compareVersions(m.version, seedPlan.baseline) > 0);

function label(file: string): string {
  return path.relative(DEMO_DIR, file);
}

/** Runs one migration file the way a simple runner would: in a transaction unless it builds/drops CONCURRENTLY. */
async function runFile(client: pg.Client, file: string): Promise<void> {
  const sql = fs.readFileSync(file, 'utf8');
  const parsed = parseSql(sql, file);
  try {
    if (parsed.hasNonTransactional) {
      await client.query(sql);
    } else {
      await client.query(`BEGIN;\n${sql}\n;COMMIT;`);
    }
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new Error(`${label(file)}: ${(e as Error).message}`, { cause: e });
  }
}

async function up(client: pg.Client, list: MigrationFile[]): Promise<void> {
  for (const m of list) await runFile(client, m.upPath);
}

/**
 * One line per schema object of the `shop` schema, detailed enough that a down file which
 * forgets a column, a default, a constraint's validity, an index, a grant, a comment, a policy
 * or a function setting shows up as a difference.
 */
async function schemaFingerprint(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ line: string }>(`
    SELECT 'column ' || c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
           || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
           || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
           || coalesce(' identity ' || nullif(a.attidentity::text, ''), '')
           || coalesce(' comment ' || col_description(c.oid, a.attnum), '') AS line
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
     WHERE n.nspname = 'shop' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT 'table ' || c.relname || ' rls=' || c.relrowsecurity || ' acl=' || coalesce(c.relacl, acldefault('r', c.relowner))::text
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'shop' AND c.relkind = 'r'
    UNION ALL
    SELECT 'column acl ' || c.relname || '.' || a.attname || ' ' || a.attacl::text
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'shop' AND a.attacl IS NOT NULL
    UNION ALL
    SELECT 'constraint ' || cl.relname || '.' || co.conname || ' ' || pg_get_constraintdef(co.oid)
           || CASE WHEN co.convalidated THEN '' ELSE ' (not validated)' END
      FROM pg_constraint co
      JOIN pg_class cl ON cl.oid = co.conrelid
      JOIN pg_namespace n ON n.oid = cl.relnamespace
     WHERE n.nspname = 'shop' AND co.contype <> 'n'
    UNION ALL
    SELECT 'index ' || pg_get_indexdef(i.indexrelid) || CASE WHEN i.indisvalid THEN '' ELSE ' INVALID' END
      FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'shop'
    UNION ALL
    SELECT 'enum ' || t.typname || ' ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
      FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'shop'
     GROUP BY t.typname
    UNION ALL
    SELECT 'function ' || p.oid::regprocedure::text || ' secdef=' || p.prosecdef
           || ' config=' || coalesce(p.proconfig::text, '-') || ' acl=' || coalesce(p.proacl, acldefault('f', p.proowner))::text
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'shop'
    UNION ALL
    SELECT 'trigger ' || pg_get_triggerdef(tg.oid)
      FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'shop' AND NOT tg.tgisinternal
    UNION ALL
    SELECT 'policy ' || pol.tablename || '.' || pol.policyname || ' ' || pol.cmd || ' ' || pol.roles::text || ' ' || coalesce(pol.qual, '')
      FROM pg_policies pol
     WHERE pol.schemaname = 'shop'
    UNION ALL
    SELECT 'schema acl ' || coalesce(nspacl, acldefault('n', nspowner))::text FROM pg_namespace WHERE nspname = 'shop'
  `);
  return rows.map((r) => r.line).sort();
}

async function count(client: pg.Client, table: string): Promise<number> {
  const [schema, name] = table.split('.') as [string, string];
  const r = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`);
  return Number(r.rows[0]!.n);
}

beforeAll(async () => {
  await initParser();
});

describe('demo project files', () => {
  it('is a valid project with at least 22 migrations, a few of them deliberately irreversible', () => {
    expect(project.problems).toEqual([]);
    expect(project.name).toBe('demo');
    expect(migrations.length).toBeGreaterThanOrEqual(22);
    const irreversible = migrations.filter((m) => m.downPath === null).map((m) => m.version);
    expect(irreversible.length).toBeGreaterThanOrEqual(2);
    expect(irreversible.length).toBeLessThan(migrations.length / 4);
    expect(baseline.length).toBeGreaterThan(0);
    expect(baseline.every((m) => m.downPath !== null)).toBe(true);
  });

  it('parses every up and down file with the PostgreSQL parser, without problems or transaction control', () => {
    for (const m of migrations) {
      for (const file of [m.upPath, m.downPath]) {
        if (!file) continue;
        const parsed = parseSql(fs.readFileSync(file, 'utf8'), file);
        expect(parsed.problems, label(file)).toEqual([]);
        expect(parsed.statements.length, label(file)).toBeGreaterThan(0);
        expect(parsed.hasTransactionControl, label(file)).toBe(false);
        // a statement that cannot run in a transaction block must be alone in its file
        if (parsed.hasNonTransactional) expect(parsed.statements.length, label(file)).toBe(1);
        // every file says what it does before its first statement
        expect(parsed.text.trimStart().startsWith('--'), label(file)).toBe(true);
      }
    }
  });

  it('parses every seed file, and seed.yaml lists one existing file per baseline table', () => {
    expect(migrations.some((m) => m.version === seedPlan.baseline)).toBe(true);
    for (const step of seedPlan.steps) {
      const file = path.join(SEED_DIR, step.file);
      const parsed = parseSql(fs.readFileSync(file, 'utf8'), file);
      expect(parsed.problems, step.file).toEqual([]);
      expect(parsed.hasTransactionControl, step.file).toBe(false);
      expect(parsed.hasNonTransactional, step.file).toBe(false);
    }
    expect(new Set(seedPlan.steps.map((s) => s.table)).size).toBe(seedPlan.steps.length);
    expect(Math.max(...seedPlan.steps.map((s) => s.rows))).toBeGreaterThanOrEqual(1_000_000);
  });
});

describe('demo migrations on a real server', () => {
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('cf_demo_mig');
    client = await db.client();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('applies every up file in order, rolls back to the baseline with the down files, and applies again', async () => {
    await up(client, baseline);
    const atBaseline = await schemaFingerprint(client);

    await up(client, evolution);
    const afterUp = await schemaFingerprint(client);
    expect(afterUp).not.toEqual(atBaseline);

    for (const m of [...evolution].reverse()) if (m.downPath) await runFile(client, m.downPath);
    const afterDown = await schemaFingerprint(client);
    // only what the irreversible migrations did may remain: the dropped column stays dropped and
    // the enum keeps its new value; everything else is back to the baseline
    expect(afterDown.filter((l) => !atBaseline.includes(l))).toEqual(['enum order_status pending,paid,shipped,delivered,refunded,cancelled']);
    expect(atBaseline.filter((l) => !afterDown.includes(l))).toEqual([
      'column products.legacy_sku text',
      'enum order_status pending,paid,shipped,delivered,cancelled',
    ]);

    await up(client, evolution);
    expect(await schemaFingerprint(client)).toEqual(afterUp);
  });
});

describe('demo seed on a real server', () => {
  const SCALE = 0.01;
  let db: TestDatabase;
  let client: pg.Client;
  beforeAll(async () => {
    db = await createTestDatabase('cf_demo_seed');
    client = await db.client();
    await up(client, baseline);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  async function seed(): Promise<Record<string, number>> {
    await client.query(`SET confiture.seed_scale = '${SCALE}'`);
    const counts: Record<string, number> = {};
    for (const step of seedPlan.steps) {
      await runFile(client, path.join(SEED_DIR, step.file));
      counts[step.table] = await count(client, step.table);
    }
    return counts;
  }

  it('fills every table in proportion to the scale, and a second run adds nothing', async () => {
    const first = await seed();
    for (const step of seedPlan.steps) {
      const expected = step.rows * SCALE;
      const got = first[step.table]!;
      // products has a floor of 20 rows; everything else scales linearly
      expect(got, step.table).toBeGreaterThanOrEqual(Math.floor(expected * 0.9));
      expect(got, step.table).toBeLessThanOrEqual(Math.max(20, Math.ceil(expected * 1.1)));
    }
    expect(await seed()).toEqual(first);
  });

  it('is consistent: order totals match their lines and the pending migrations apply on the seeded data', async () => {
    const mismatched = await client.query<{ n: string }>(`
      SELECT count(*) AS n
        FROM shop.orders o
        LEFT JOIN (SELECT order_id, sum(quantity * unit_price) AS items FROM shop.order_items GROUP BY order_id) li
          ON li.order_id = o.id
       WHERE o.total_amount <> coalesce(li.items, 0) + CASE WHEN coalesce(li.items, 0) >= 50 THEN 0 ELSE 4.90 END`);
    expect(Number(mismatched.rows[0]!.n)).toBe(0);
    const unpaid = await client.query<{ n: string }>(`
      SELECT count(*) AS n FROM shop.payments p JOIN shop.orders o ON o.id = p.order_id
       WHERE p.amount <> o.total_amount OR o.status NOT IN ('paid', 'shipped', 'delivered') OR p.paid_at < o.created_at`);
    expect(Number(unpaid.rows[0]!.n)).toBe(0);
    const early = await client.query<{ n: string }>(
      'SELECT count(*) AS n FROM shop.orders o JOIN shop.customers c ON c.id = o.customer_id WHERE o.created_at < c.created_at',
    );
    expect(Number(early.rows[0]!.n)).toBe(0);

    // FK validation (0016, 0018), NOT NULL via CHECK (0013-0015), numeric(12,2) (0019)... on real rows
    await up(client, evolution);
    const itemCounts = await client.query<{ n: string }>('SELECT count(*) AS n FROM shop.orders WHERE item_count IS NULL');
    expect(Number(itemCounts.rows[0]!.n)).toBe(0);
    const cents = await client.query<{ n: string }>('SELECT count(*) AS n FROM shop.payments WHERE amount_cents IS DISTINCT FROM round(amount * 100)');
    expect(Number(cents.rows[0]!.n)).toBe(0);
  });
});
