import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("grant-to-public", () => {
  it("flags GRANT ... TO PUBLIC", async () => {
    const f = await findings("grant-to-public", "GRANT SELECT ON orders TO PUBLIC;", { libraries: ['sox'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PUBLIC/);
  });

  it("flags default privileges to PUBLIC", async () => {
    const f = await findings("grant-to-public", "ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC;", { libraries: ['gdpr'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PUBLIC/);
  });

  it("accepts a grant to a named role", async () => {
    expect(await findings("grant-to-public", "GRANT SELECT ON orders TO reporting_readers;", { libraries: ['sox'] })).toEqual([]);
  });
});
