import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-drop-not-null", () => {
  it("flags DROP NOT NULL", async () => {
    const f = await findings("ban-drop-not-null", "ALTER TABLE orders ALTER COLUMN customer_id DROP NOT NULL;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/NULLs/);
  });

  it("accepts SET DEFAULT", async () => {
    expect(await findings("ban-drop-not-null", "ALTER TABLE orders ALTER COLUMN customer_id SET DEFAULT 0;")).toEqual([]);
  });
});
