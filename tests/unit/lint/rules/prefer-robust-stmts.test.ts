import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("prefer-robust-stmts", () => {
  it("flags CREATE INDEX without IF NOT EXISTS outside a transaction", async () => {
    const f = await findings("prefer-robust-stmts", "CREATE INDEX CONCURRENTLY orders_idx ON orders (a);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/IF NOT EXISTS/);
  });

  it("accepts IF NOT EXISTS", async () => {
    expect(await findings("prefer-robust-stmts", "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_idx ON orders (a);")).toEqual([]);
  });

  it("is silent inside a transaction", async () => {
    expect(await findings("prefer-robust-stmts", "CREATE TABLE t (id bigint);")).toEqual([]);
  });
  // found on a public history (a no-transaction file whose unique constraint stops a retry): squawk was right
  it("flags ADD CONSTRAINT outside a transaction unless the same name was dropped IF EXISTS before", async () => {
    const file = (body: string) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS parcels_route_idx ON parcels (route_id);\n${body}`;
    const f = await findings("prefer-robust-stmts", file("ALTER TABLE parcels ADD CONSTRAINT parcels_code_key UNIQUE (code);"));
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toMatch(/ADD CONSTRAINT parcels_code_key/);
    expect(await findings("prefer-robust-stmts", file("ALTER TABLE parcels ADD CHECK (weight > 0);"))).toHaveLength(1);
    expect(await findings("prefer-robust-stmts", file("ALTER TABLE parcels DROP CONSTRAINT IF EXISTS parcels_code_key;\nALTER TABLE parcels ADD CONSTRAINT parcels_code_key UNIQUE (code);"))).toEqual([]);
    expect(await findings("prefer-robust-stmts", file("ALTER TABLE parcels DROP CONSTRAINT IF EXISTS parcels_code_key, ADD CONSTRAINT parcels_code_key UNIQUE (code);"))).toEqual([]);
    // dropped on another table: no help
    expect(await findings("prefer-robust-stmts", file("ALTER TABLE crates DROP CONSTRAINT IF EXISTS parcels_code_key;\nALTER TABLE parcels ADD CONSTRAINT parcels_code_key UNIQUE (code);"))).toHaveLength(1);
    // inside a transaction the file is all-or-nothing
    expect(await findings("prefer-robust-stmts", "ALTER TABLE parcels ADD CONSTRAINT parcels_code_key UNIQUE (code);")).toEqual([]);
  });
});
