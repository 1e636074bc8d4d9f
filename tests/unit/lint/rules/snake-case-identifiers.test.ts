import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("snake-case-identifiers", () => {
  it("flags a mixed-case column", async () => {
    const f = await findings("snake-case-identifiers", "CREATE TABLE order_lines (\"unitPrice\" numeric);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/unitPrice/);
  });

  it("accepts snake_case", async () => {
    expect(await findings("snake-case-identifiers", "CREATE TABLE order_lines (unit_price numeric);")).toEqual([]);
  });
});
