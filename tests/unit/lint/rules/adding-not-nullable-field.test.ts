import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-not-nullable-field", () => {
  it("scans the table under AccessExclusiveLock", async () => {
    const f = await findings("adding-not-nullable-field", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts SET NOT NULL after a validated IS NOT NULL check on PostgreSQL 12+", async () => {
    expect(await findings("adding-not-nullable-field", "ALTER TABLE orders ADD CONSTRAINT nn CHECK (customer_id IS NOT NULL) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT nn;\nALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;")).toEqual([]);
  });

  it("suggests NOT NULL NOT VALID on PostgreSQL 18", async () => {
    const f = await findings("adding-not-nullable-field", "ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;", { pgVersion: 18 });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/NOT NULL customer_id NOT VALID/);
  });
});
