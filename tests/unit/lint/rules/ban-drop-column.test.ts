import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-drop-column", () => {
  it("flags DROP COLUMN on an existing table", async () => {
    const f = await findings("ban-drop-column", "ALTER TABLE users DROP COLUMN legacy;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/legacy/);
  });

  it("accepts ADD COLUMN", async () => {
    expect(await findings("ban-drop-column", "ALTER TABLE users ADD COLUMN nick text;")).toEqual([]);
  });
});
