import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-uncommitted-transaction", () => {
  it("flags BEGIN without COMMIT", async () => {
    const f = await findings("ban-uncommitted-transaction", "BEGIN;\nALTER TABLE t ADD COLUMN a int;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/never committed/);
  });

  it("accepts BEGIN ... COMMIT", async () => {
    expect(await findings("ban-uncommitted-transaction", "BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;")).toEqual([]);
  });
});
