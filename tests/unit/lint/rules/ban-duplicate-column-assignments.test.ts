import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-duplicate-column-assignments", () => {
  it("flags a column assigned twice in UPDATE", async () => {
    const f = await findings("ban-duplicate-column-assignments", "UPDATE t SET a = 1, a = 2;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/more than once/);
  });

  it("accepts distinct assignments", async () => {
    expect(await findings("ban-duplicate-column-assignments", "UPDATE t SET a = 1, b = 2;")).toEqual([]);
  });
});
