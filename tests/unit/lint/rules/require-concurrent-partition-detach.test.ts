import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-concurrent-partition-detach", () => {
  it("flags DETACH PARTITION on PostgreSQL 14+", async () => {
    const f = await findings("require-concurrent-partition-detach", "ALTER TABLE events DETACH PARTITION events_2020;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts DETACH ... CONCURRENTLY", async () => {
    expect(await findings("require-concurrent-partition-detach", "ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;")).toEqual([]);
  });
});
