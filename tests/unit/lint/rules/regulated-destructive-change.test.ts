import { describe, expect, it } from 'vitest';
import { catalog, findings } from '../helpers';

describe("regulated-destructive-change", () => {
  it("flags DROP COLUMN on a PHI table without a down migration", async () => {
    const f = await findings("regulated-destructive-change", "ALTER TABLE patients DROP COLUMN diagnosis;", { libraries: ['hipaa'], catalog: catalog({ 'public.patients': { rows: 100, bytes: 8192, columns: { id: 'bigint', diagnosis: 'text' } } }), inputs: { hasDownMigration: false } });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/has no down migration/);
    expect(f.map((x) => x.message).join("\n")).not.toMatch(/no a /);
  });

  it("flags an unapproved TRUNCATE of a ledger", async () => {
    const f = await findings("regulated-destructive-change", "TRUNCATE ledger_entries;", { libraries: ['sox'], inputs: { hasDownMigration: true, approved: false } });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/has no approval/);
  });

  it("accepts the change with a down migration and approval", async () => {
    expect(await findings("regulated-destructive-change", "TRUNCATE ledger_entries;", { libraries: ['sox'], inputs: { hasDownMigration: true, approved: true } })).toEqual([]);
  });

  it("accepts destructive changes on unregulated tables", async () => {
    expect(await findings("regulated-destructive-change", "DROP TABLE scratch;", { libraries: ['sox'], inputs: { hasDownMigration: false } })).toEqual([]);
  });
});
