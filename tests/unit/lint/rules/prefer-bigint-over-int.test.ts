import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-bigint-over-int", () => {
  it("flags integer", async () => {
    const f = await findings("prefer-bigint-over-int", "CREATE TABLE t (n integer);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/2,147,483,647/);
  });

  it("accepts bigint", async () => {
    expect(await findings("prefer-bigint-over-int", "CREATE TABLE t (n bigint);")).toEqual([]);
  });
});
