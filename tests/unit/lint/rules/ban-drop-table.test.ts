import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-drop-table", () => {
  it("flags DROP TABLE of an existing table", async () => {
    const f = await findings("ban-drop-table", "DROP TABLE legacy_orders;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts dropping a table created in the same file", async () => {
    expect(await findings("ban-drop-table", "CREATE TABLE tmp (id bigint);\nDROP TABLE tmp;")).toEqual([]);
  });
});
