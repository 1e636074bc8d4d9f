import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("renaming-table", () => {
  it("flags RENAME TO", async () => {
    const f = await findings("renaming-table", "ALTER TABLE customer RENAME TO customers;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/old name/);
  });

  it("accepts a rename followed by a compatibility view", async () => {
    expect(await findings("renaming-table", "ALTER TABLE customer RENAME TO customers;\nCREATE VIEW customer AS SELECT * FROM customers;")).toEqual([]);
  });
});
