import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-repack", () => {
  it("suggests REPACK on PostgreSQL 19", async () => {
    const f = await findings("prefer-repack", "VACUUM FULL orders;", { pgVersion: 19 });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/REPACK/);
  });

  it("is silent before PostgreSQL 19", async () => {
    expect(await findings("prefer-repack", "VACUUM FULL orders;", { pgVersion: 17 })).toEqual([]);
  });
});
