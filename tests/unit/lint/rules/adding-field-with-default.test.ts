import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-field-with-default", () => {
  it("rewrites orders under AccessExclusiveLock for a volatile default", async () => {
    const f = await findings("adding-field-with-default", "ALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts a constant default on PostgreSQL 11+", async () => {
    expect(await findings("adding-field-with-default", "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';")).toEqual([]);
  });

  it("flags any default on PostgreSQL 10", async () => {
    const f = await findings("adding-field-with-default", "ALTER TABLE orders ADD COLUMN status text DEFAULT 'new';", { pgVersion: 10 });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PostgreSQL 10/);
  });

  it("ignores a table created earlier in the file", async () => {
    expect(await findings("adding-field-with-default", "CREATE TABLE orders (id bigint);\nALTER TABLE orders ADD COLUMN token uuid DEFAULT gen_random_uuid();")).toEqual([]);
  });
});
