import { describe, expect, it } from 'vitest';
import { catalog, findings } from '../helpers';

describe("require-lock-timeout", () => {
  it("flags DDL on an existing table without lock_timeout", async () => {
    const f = await findings("require-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock on orders/);
  });

  it("accepts SET lock_timeout first", async () => {
    expect(await findings("require-lock-timeout", "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;")).toEqual([]);
  });

  it("accepts a runner that sets lock_timeout", async () => {
    expect(await findings("require-lock-timeout", "ALTER TABLE orders ADD COLUMN note text;", { inputs: { runnerLockTimeoutMs: 5000 } })).toEqual([]);
  });
  // found on a public history (an upgrade path that re-runs CREATE TABLE IF NOT EXISTS on a live schema): squawk was right
  it("counts locks on a CREATE TABLE IF NOT EXISTS table unless the catalog shows it is new", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS invoices (id bigint, issued_on date);\nCREATE INDEX invoices_issued_idx ON invoices (issued_on);";
    const f = await findings("require-lock-timeout", sql);
    expect(f).toHaveLength(1);
    expect(f[0]!.line).toBe(2);
    expect(await findings("require-lock-timeout", sql, { catalog: catalog({ "public.invoices": { rows: 500_000, bytes: 40_000_000 } }) })).toHaveLength(1);
    // the catalog proves the table is new: the index is built on an empty table nobody else sees
    expect(await findings("require-lock-timeout", sql, { catalog: catalog({ "public.payments": { rows: 10, bytes: 8192 } }) })).toEqual([]);
    // without IF NOT EXISTS the table is surely new
    expect(await findings("require-lock-timeout", sql.replace(' IF NOT EXISTS', ''))).toEqual([]);
  });
});
