import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("audit-columns-required", () => {
  it("flags a ledger table without who/when columns", async () => {
    const f = await findings("audit-columns-required", "CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount numeric(18,2));", { libraries: ['sox'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/created_by/);
  });

  it("accepts a ledger table with audit columns", async () => {
    expect(await findings("audit-columns-required", "CREATE TABLE ledger_entries (id bigint PRIMARY KEY, amount numeric(18,2), created_at timestamptz, created_by text, updated_at timestamptz, updated_by text);", { libraries: ['sox'] })).toEqual([]);
  });
});
