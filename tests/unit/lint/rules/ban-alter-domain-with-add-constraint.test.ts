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

  it("flags VALIDATE CONSTRAINT of a domain: it takes ShareLock on every table of the domain, unlike a table's", async () => {
    const f = await findings("ban-alter-domain-with-add-constraint", "ALTER DOMAIN email VALIDATE CONSTRAINT at;");
    expect(f.map((x) => x.message).join('\n')).toMatch(/Validating constraint at of domain email .*ShareLock/);
  });

  it("the timeout rules see the domain's tables without a catalog", async () => {
    const f = await findings("require-lock-timeout", "ALTER DOMAIN email VALIDATE CONSTRAINT at;");
    expect(f.map((x) => x.message).join('\n')).toMatch(/tables with a column of domain email/);
    // a domain the file creates has only new tables: nothing to wait for
    expect(await findings("require-lock-timeout", "CREATE DOMAIN d2 AS text;\nALTER DOMAIN d2 ADD CONSTRAINT c CHECK (VALUE <> '') NOT VALID;\nALTER DOMAIN d2 VALIDATE CONSTRAINT c;")).toEqual([]);
  });
});
