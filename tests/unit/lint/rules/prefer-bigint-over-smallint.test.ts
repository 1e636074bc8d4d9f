import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-bigint-over-smallint", () => {
  it("flags smallint", async () => {
    const f = await findings("prefer-bigint-over-smallint", "CREATE TABLE t (n smallint);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/32,767/);
  });

  it("accepts bigint", async () => {
    expect(await findings("prefer-bigint-over-smallint", "CREATE TABLE t (n bigint);")).toEqual([]);
  });
});
