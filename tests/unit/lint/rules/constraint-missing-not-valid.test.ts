import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("constraint-missing-not-valid", () => {
  it("scans the table for a validated CHECK", async () => {
    const f = await findings("constraint-missing-not-valid", "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts NOT VALID", async () => {
    expect(await findings("constraint-missing-not-valid", "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0) NOT VALID;")).toEqual([]);
  });

  it("flags VALIDATE in the same transaction as NOT VALID", async () => {
    const f = await findings("constraint-missing-not-valid", "ALTER TABLE orders ADD CONSTRAINT positive CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT positive;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/same transaction/);
  });
});
