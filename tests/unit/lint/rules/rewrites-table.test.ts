import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("rewrites-table", () => {
  it("flags VACUUM FULL", async () => {
    const f = await findings("rewrites-table", "VACUUM FULL orders;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("flags SET TABLESPACE", async () => {
    const f = await findings("rewrites-table", "ALTER TABLE orders SET TABLESPACE fast;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/copying every data file/);
  });

  it("accepts plain VACUUM", async () => {
    expect(await findings("rewrites-table", "VACUUM (ANALYZE) orders;")).toEqual([]);
  });
});
