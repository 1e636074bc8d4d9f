import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-generated-column", () => {
  it("rewrites the table for a STORED generated column", async () => {
    const f = await findings("adding-generated-column", "ALTER TABLE orders ADD COLUMN c bigint GENERATED ALWAYS AS (total * 100) STORED;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/STORED generated/);
  });

  it("flags an identity column added to an existing table", async () => {
    const f = await findings("adding-generated-column", "ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/IDENTITY/);
  });

  it("accepts a plain nullable column", async () => {
    expect(await findings("adding-generated-column", "ALTER TABLE orders ADD COLUMN c bigint;")).toEqual([]);
  });
});
