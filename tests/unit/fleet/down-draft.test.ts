import { describe, expect, it } from 'vitest';
import { draftDown } from '../../../src-main/drift/down';

describe('down draft', () => {
  it('reverses the common reversible statements in reverse order', async () => {
    const d = await draftDown(
      `CREATE TABLE shop.refunds (id bigint PRIMARY KEY, amount numeric);
ALTER TABLE shop.orders ADD COLUMN note text, ADD CONSTRAINT orders_amount_pos CHECK (amount > 0);
CREATE INDEX orders_note_idx ON shop.orders (note);
ALTER TABLE shop.orders RENAME COLUMN total TO amount;
ALTER TABLE shop.customers RENAME TO clients;
`,
      '0007_x.up.sql',
    );
    expect(d.irreversible).toEqual([]);
    expect(d.steps.map((s) => s.down)).toEqual([
      'DROP TABLE "shop"."refunds";',
      'ALTER TABLE "shop"."orders" DROP CONSTRAINT "orders_amount_pos";\nALTER TABLE "shop"."orders" DROP COLUMN "note";',
      'DROP INDEX "shop"."orders_note_idx";',
      'ALTER TABLE "shop"."orders" RENAME COLUMN "amount" TO "total";',
      'ALTER TABLE "shop"."clients" RENAME TO "customers";',
    ]);
    expect(d.sql).toMatch(/^-- DRAFT down migration for 0007_x\.up\.sql.*REVIEW/);
    // reverse order: the rename is undone first, the table dropped last
    expect(d.sql.indexOf('RENAME TO "customers"')).toBeLessThan(d.sql.indexOf('DROP TABLE'));
  });

  it('says why a statement is irreversible', async () => {
    const d = await draftDown('ALTER TABLE t ALTER COLUMN a TYPE bigint;\nDROP TABLE old_stuff;\nCREATE INDEX ON t (a);\nUPDATE t SET a = 1;\n', '0008_y.up.sql');
    expect(d.irreversible.map((i) => i.line)).toEqual([1, 2, 3, 4]);
    expect(d.irreversible[0]!.reason).toMatch(/previous type is not in this migration/);
    expect(d.irreversible[1]!.reason).toMatch(/DROP TABLE/);
    expect(d.irreversible[2]!.reason).toMatch(/no name/);
    expect(d.irreversible[3]!.reason).toMatch(/data change/);
    expect(d.sql).toMatch(/IRREVERSIBLE/);
  });

  it('keeps CONCURRENTLY out of a transaction', async () => {
    const d = await draftDown('CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (a);\n', 'z.up.sql');
    expect(d.steps[0]!.down).toBe('DROP INDEX CONCURRENTLY IF EXISTS "i";');
    expect(d.sql.split('\n')[0]).toBe('-- confiture: no-transaction');
  });
});
