import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("invalid-suppression", () => {
  it("flags an unknown rule id", async () => {
    const f = await findings("invalid-suppression", "-- confiture-ignore require-concurent-index-creation: typo\nCREATE INDEX i ON t (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/unknown rule/);
  });

  it("flags a suppression without a reason", async () => {
    const f = await findings("invalid-suppression", "-- confiture-ignore require-concurrent-index-creation\nCREATE INDEX i ON t (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/no reason/);
  });

  it("flags a removed rule id naming its replacement", async () => {
    const f = await findings("invalid-suppression", "-- confiture-ignore no-concurrent-index-creation: old id\nCREATE INDEX i ON t (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/removed in 1.0.0; use .require-concurrent-index-creation./);
  });

  it("accepts a known rule with a reason", async () => {
    expect(await findings("invalid-suppression", "-- confiture-ignore require-concurrent-index-creation: 40-row lookup table\nCREATE INDEX i ON t (a);")).toEqual([]);
  });
});
