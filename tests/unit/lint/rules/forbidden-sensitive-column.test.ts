import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("forbidden-sensitive-column", () => {
  it("flags a CVV column", async () => {
    const f = await findings("forbidden-sensitive-column", "CREATE TABLE cards (id bigint PRIMARY KEY, cvv text);", { libraries: ['pci-dss'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/must not be stored/);
  });

  it("accepts a tokenised card column", async () => {
    expect(await findings("forbidden-sensitive-column", "CREATE TABLE cards (id bigint PRIMARY KEY, pan_token text);", { libraries: ['pci-dss'] })).toEqual([]);
  });
});
