import { describe, expect, it } from 'vitest';
import { catalog, findings } from '../helpers';

describe("changing-column-type", () => {
  it("assumes a rewrite without a catalog", async () => {
    const f = await findings("changing-column-type", "ALTER TABLE orders ALTER COLUMN id TYPE bigint;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/current type of id is unknown without a catalog/);
  });

  it("knows varchar(100) to text is binary-compatible from the catalog", async () => {
    expect(await findings("changing-column-type", "ALTER TABLE orders ALTER COLUMN note TYPE text;", { catalog: catalog({ 'public.orders': { rows: 10, bytes: 8192, columns: { note: 'character varying(100)' } } }) })).toEqual([]);
  });

  it("knows int to bigint rewrites from the catalog", async () => {
    const f = await findings("changing-column-type", "ALTER TABLE orders ALTER COLUMN id TYPE bigint;", { catalog: catalog({ 'public.orders': { rows: 5e6, bytes: 2e9, columns: { id: 'integer' } } }) });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/from integer \(per the catalog\)/);
  });

  it("uses a column type declared earlier in the file", async () => {
    expect(await findings("changing-column-type", "ALTER TABLE orders ADD COLUMN note varchar(20);\nALTER TABLE orders ALTER COLUMN note TYPE varchar(40);")).toEqual([]);
  });
});
