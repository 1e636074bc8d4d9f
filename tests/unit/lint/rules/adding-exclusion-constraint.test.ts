import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-exclusion-constraint", () => {
  it("flags EXCLUDE on an existing table", async () => {
    const f = await findings("adding-exclusion-constraint", "ALTER TABLE bookings ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/EXCLUDE/);
  });

  it("accepts EXCLUDE in a new table", async () => {
    expect(await findings("adding-exclusion-constraint", "CREATE TABLE bookings (room int, during tstzrange, EXCLUDE USING gist (room WITH =, during WITH &&));")).toEqual([]);
  });
});
