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

  // a public history's upgrade path: the column may already exist with another type, so ADD COLUMN IF NOT EXISTS proves nothing (squawk was right)
  it("does not take a type from ADD COLUMN IF NOT EXISTS: the column may exist with another one", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS users (id int);\nALTER TABLE users ADD COLUMN IF NOT EXISTS position varchar(128);\nALTER TABLE users ALTER COLUMN position TYPE varchar(128);";
    expect(await findings("changing-column-type", sql)).toHaveLength(1);
    // with a catalog the real type decides: varchar(64) → varchar(128) is binary-compatible
    expect(await findings("changing-column-type", sql, { catalog: catalog({ 'public.users': { rows: 10, bytes: 8192, columns: { id: 'integer', position: 'character varying(64)' } } }) })).toEqual([]);
  });
  // a public history's upgrade path: CREATE TABLE IF NOT EXISTS creates nothing when the table is already there,
  // so the column types it spells out prove nothing about the live table (squawk was right)
  it("does not take a type from CREATE TABLE IF NOT EXISTS unless the catalog shows the table is new", async () => {
    const sql = "CREATE TABLE IF NOT EXISTS tickets (id bigint, summary varchar(80));\nALTER TABLE tickets ALTER COLUMN summary TYPE varchar(300);";
    expect(await findings("changing-column-type", sql)).toHaveLength(1);
    // the live table has summary as text: text → varchar(300) checks every row
    expect(await findings("changing-column-type", sql, { catalog: catalog({ 'public.tickets': { rows: 10_000, bytes: 900_000, columns: { id: 'bigint', summary: 'text' } } }) })).toHaveLength(1);
    // the catalog shows the table does not exist: the CREATE made it, widening a varchar rewrites nothing
    expect(await findings("changing-column-type", sql, { catalog: catalog({ 'public.accounts': { rows: 10, bytes: 8192 } }) })).toEqual([]);
    // a plain CREATE TABLE is surely new
    expect(await findings("changing-column-type", sql.replace(' IF NOT EXISTS', ''))).toEqual([]);
  });
});
