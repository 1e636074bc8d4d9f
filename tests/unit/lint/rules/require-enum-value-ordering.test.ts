import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-enum-value-ordering", () => {
  it("flags ADD VALUE without position", async () => {
    const f = await findings("require-enum-value-ordering", "ALTER TYPE order_status ADD VALUE 'refunded';");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/appended/);
  });

  it("accepts ADD VALUE AFTER", async () => {
    expect(await findings("require-enum-value-ordering", "ALTER TYPE order_status ADD VALUE 'refunded' AFTER 'paid';")).toEqual([]);
  });
});
