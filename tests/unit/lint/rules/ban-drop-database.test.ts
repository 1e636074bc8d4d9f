import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-drop-database", () => {
  it("flags DROP DATABASE", async () => {
    const f = await findings("ban-drop-database", "DROP DATABASE shop;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/shop/);
  });

  it("accepts DROP TABLE", async () => {
    expect(await findings("ban-drop-database", "DROP TABLE IF EXISTS t;")).toEqual([]);
  });
});
