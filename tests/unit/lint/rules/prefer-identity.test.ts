import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-identity", () => {
  it("flags bigserial", async () => {
    const f = await findings("prefer-identity", "CREATE TABLE t (id bigserial PRIMARY KEY);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/identity/);
  });

  it("accepts an identity column", async () => {
    expect(await findings("prefer-identity", "CREATE TABLE t (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);")).toEqual([]);
  });
});
