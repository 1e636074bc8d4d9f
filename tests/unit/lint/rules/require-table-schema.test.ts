import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-table-schema", () => {
  it("flags an unqualified table", async () => {
    const f = await findings("require-table-schema", "CREATE TABLE orders (id bigint);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/search_path/);
  });

  it("accepts a schema-qualified table", async () => {
    expect(await findings("require-table-schema", "CREATE TABLE app.orders (id bigint);")).toEqual([]);
  });
});
