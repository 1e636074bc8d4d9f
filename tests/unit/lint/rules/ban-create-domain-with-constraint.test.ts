import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-create-domain-with-constraint", () => {
  it("flags a domain with CHECK", async () => {
    const f = await findings("ban-create-domain-with-constraint", "CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/CHECK/);
  });

  it("accepts a plain domain", async () => {
    expect(await findings("ban-create-domain-with-constraint", "CREATE DOMAIN email AS text;")).toEqual([]);
  });
});
