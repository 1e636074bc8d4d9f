import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("renaming-column", () => {
  it("flags RENAME COLUMN", async () => {
    const f = await findings("renaming-column", "ALTER TABLE users RENAME COLUMN mail TO email;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/old name/);
  });

  it("accepts renaming a column of a new table", async () => {
    expect(await findings("renaming-column", "CREATE TABLE users (mail text);\nALTER TABLE users RENAME COLUMN mail TO email;")).toEqual([]);
  });
});
