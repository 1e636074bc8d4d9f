import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-jsonb", () => {
  it("flags json", async () => {
    const f = await findings("prefer-jsonb", "ALTER TABLE t ADD COLUMN payload json;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/equality/);
  });

  it("accepts jsonb", async () => {
    expect(await findings("prefer-jsonb", "ALTER TABLE t ADD COLUMN payload jsonb;")).toEqual([]);
  });
});
