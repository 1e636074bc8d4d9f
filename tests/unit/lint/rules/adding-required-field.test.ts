import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-required-field", () => {
  it("fails on a non-empty table", async () => {
    const f = await findings("adding-required-field", "ALTER TABLE orders ADD COLUMN region text NOT NULL;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/NOT NULL with no DEFAULT/);
  });

  it("accepts NOT NULL with a default", async () => {
    expect(await findings("adding-required-field", "ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT 'eu';")).toEqual([]);
  });
});
