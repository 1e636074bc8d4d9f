import { describe, expect, it } from 'vitest';
import { catalog, findings } from '../helpers';

describe("require-statement-timeout", () => {
  it("flags DDL on an existing table without statement_timeout", async () => {
    const f = await findings("require-statement-timeout", "CREATE INDEX i ON orders (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareLock on orders/);
  });

  it("accepts a header directive", async () => {
    expect(await findings("require-statement-timeout", "-- confiture: statement_timeout=5min\nCREATE INDEX i ON orders (a);")).toEqual([]);
  });
  // found on a public history (an upgrade path that re-runs CREATE TABLE IF NOT EXISTS on a live schema): squawk was right
  it("counts locks on a CREATE TABLE IF NOT EXISTS table unless the catalog shows it is new", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS invoices (id bigint, issued_on date);\nCREATE INDEX invoices_issued_idx ON invoices (issued_on);";
    const f = await findings("require-statement-timeout", sql);
    expect(f).toHaveLength(1);
    expect(f[0]!.line).toBe(2);
    expect(await findings("require-statement-timeout", sql, { catalog: catalog({ "public.invoices": { rows: 500_000, bytes: 40_000_000 } }) })).toHaveLength(1);
    // the catalog proves the table is new: the index is built on an empty table nobody else sees
    expect(await findings("require-statement-timeout", sql, { catalog: catalog({ "public.payments": { rows: 10, bytes: 8192 } }) })).toEqual([]);
    // without IF NOT EXISTS the table is surely new
    expect(await findings("require-statement-timeout", sql.replace(' IF NOT EXISTS', ''))).toEqual([]);
  });
});
