import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-text-field", () => {
  it("flags varchar(n)", async () => {
    const f = await findings("prefer-text-field", "CREATE TABLE t (name varchar(100));");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/varchar\(100\)/);
  });

  it("accepts text", async () => {
    expect(await findings("prefer-text-field", "CREATE TABLE t (name text);")).toEqual([]);
  });
});
