/** Lint looks inside DO blocks: the static statements of a plpgsql body, for the rules that opt in. */
import { describe, expect, it } from 'vitest';
import { analyzeLocks } from '../../../src-main/locks';
import { initParser, parseSql } from '../../../src-main/parse';
import { catalog, findings } from './helpers';

const GUARDED = `SET lock_timeout = '2s';
DO $$
BEGIN
  ALTER TABLE orders ADD COLUMN seq bigserial;
  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'orders_created_idx') THEN
    CREATE INDEX orders_created_idx ON orders (created_at);
  END IF;
END $$;`;

describe('lint inside DO blocks', () => {
  it('reports a rewrite hidden in a DO block at the block, with that statement’s own lock', async () => {
    const [f, ...more] = await findings('adding-generated-column', GUARDED);
    expect(more).toEqual([]);
    expect(f).toMatchObject({ line: 2, statementIndex: 1, severity: 'error' });
    expect(f!.message).toMatch(/^Adding a bigserial column \(seq\) .* takes AccessExclusiveLock on orders/);
    expect(f!.message).toMatch(/\(Inside the DO block at line 2\.\)$/);
  });

  it('says when a branch decides whether the statement runs, and names its own (weaker) lock, not the block’s strongest', async () => {
    const [f] = await findings('require-concurrent-index-creation', GUARDED);
    expect(f!.message).toMatch(/takes ShareLock on orders, which blocks writes/);
    expect(f!.message).not.toMatch(/AccessExclusiveLock/);
    expect(f!.message).toMatch(/\(Inside the DO block at line 2, under a condition: it runs only when that holds\.\)$/);
  });

  it('sizes the severity from the catalog like a top-level statement', async () => {
    const big = catalog({ 'public.orders': { rows: 50_000_000, bytes: 20 * 1024 ** 3 } });
    const [f] = await findings('adding-generated-column', GUARDED, { catalog: big });
    expect(f!.severity).toBe('critical');
    expect(f!.message).toMatch(/Raised to critical/);
  });

  it('a table created earlier in the block or the file is new: nothing blocks, nothing to report', async () => {
    expect(await findings('adding-generated-column', `DO $$ BEGIN CREATE TABLE t (id int); ALTER TABLE t ADD COLUMN n bigserial; END $$;`)).toEqual([]);
    expect(await findings('adding-generated-column', `CREATE TABLE t (id int);
DO $$ BEGIN ALTER TABLE t ADD COLUMN n bigserial; END $$;`)).toEqual([]);
    // … while the same block on an existing table is reported
    expect(await findings('adding-generated-column', `DO $$ BEGIN ALTER TABLE t ADD COLUMN n bigserial; END $$;`)).toHaveLength(1);
  });

  it('rules about the file’s structure do not look inside (prefer-robust-stmts: a guarded CREATE is robust)', async () => {
    const sql = `-- confiture: no-transaction
DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'orders_x') THEN CREATE INDEX orders_x ON orders (a); END IF; END $$;`;
    expect(await findings('prefer-robust-stmts', sql)).toEqual([]);
  });

  it('dynamic SQL and other languages are not read (the locks service says so)', async () => {
    expect(await findings('adding-generated-column', `DO $$ BEGIN EXECUTE 'ALTER TABLE orders ADD COLUMN s bigserial'; END $$;`)).toEqual([]);
    expect(await findings('ban-drop-table', `DO LANGUAGE plpython3u $$ plpy.execute("DROP TABLE orders") $$;`)).toEqual([]);
  });

  it('top-level statements keep their own findings beside the ones of a block', async () => {
    const sql = `ALTER TABLE a DROP COLUMN x;\nDO $$ BEGIN ALTER TABLE b DROP COLUMN y; END $$;`;
    const f = await findings('ban-drop-column', sql);
    expect(f.map((x) => [x.line, x.statementIndex])).toEqual([
      [1, 0],
      [2, 1],
    ]);
    expect(f[1]!.message).toMatch(/Inside the DO block at line 2/);
  });

  it('the locks service keeps each inner statement’s analysis on the DO statement', async () => {
    await initParser();
    const a = analyzeLocks(parseSql(GUARDED), { pgVersion: 15 });
    const d = a.statements[1]!;
    expect(d.doBlock!.map((s) => s.locks.map((l) => `${l.mode} ${l.relation}`))).toEqual([['AccessExclusiveLock orders'], ['ShareLock orders']]);
    expect(d.locks.map((l) => l.mode)).toEqual(['AccessExclusiveLock']);
  });
});
