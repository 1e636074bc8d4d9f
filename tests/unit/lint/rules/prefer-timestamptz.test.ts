import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-timestamptz", () => {
  it("flags timestamp", async () => {
    const f = await findings("prefer-timestamptz", "CREATE TABLE t (at timestamp);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/time zone/);
  });

  it("accepts timestamptz", async () => {
    expect(await findings("prefer-timestamptz", "CREATE TABLE t (at timestamptz);")).toEqual([]);
  });
});
