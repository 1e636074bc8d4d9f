import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("retention-column-required", () => {
  it("flags an audit table without a retention column (HIPAA)", async () => {
    const f = await findings("retention-column-required", "CREATE TABLE audit_log (id bigint PRIMARY KEY, event text);", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/retain_until/);
  });

  it("flags a PII table without a retention column (GDPR)", async () => {
    const f = await findings("retention-column-required", "CREATE TABLE users (id bigint PRIMARY KEY, email bytea);", { libraries: ['gdpr'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PII/);
  });

  it("accepts a retention column", async () => {
    expect(await findings("retention-column-required", "CREATE TABLE audit_log (id bigint PRIMARY KEY, event text, retain_until date NOT NULL);", { libraries: ['hipaa'] })).toEqual([]);
  });
});
