import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-alter-domain-with-add-constraint", () => {
  it("flags a validated domain constraint", async () => {
    const f = await findings("ban-alter-domain-with-add-constraint", "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE LIKE '%@%');");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareLock/);
  });

  it("accepts NOT VALID", async () => {
    expect(await findings("ban-alter-domain-with-add-constraint", "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE LIKE '%@%') NOT VALID;")).toEqual([]);
  });
});
