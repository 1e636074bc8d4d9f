import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("multiple-alter-table", () => {
  it("flags two ALTER TABLEs on one table", async () => {
    const f = await findings("multiple-alter-table", "ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t ADD COLUMN b text;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/combine/);
  });

  it("accepts one combined ALTER TABLE", async () => {
    expect(await findings("multiple-alter-table", "ALTER TABLE t ADD COLUMN a int, ADD COLUMN b text;")).toEqual([]);
  });
});
