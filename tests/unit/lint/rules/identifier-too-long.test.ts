import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("identifier-too-long", () => {
  it("flags a 64-byte table name", async () => {
    const f = await findings("identifier-too-long", "CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (id bigint);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/64 bytes/);
  });

  it("accepts a 63-byte name", async () => {
    expect(await findings("identifier-too-long", "CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (id bigint);")).toEqual([]);
  });
});
