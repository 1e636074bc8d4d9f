import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("audit-table-tampering", () => {
  it("flags DELETE from an audit table", async () => {
    const f = await findings("audit-table-tampering", "DELETE FROM audit_log WHERE created_at < now() - interval '1 year';", { libraries: ['sox'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/audit table audit_log/);
  });

  it("flags TRUNCATE of an audit table", async () => {
    const f = await findings("audit-table-tampering", "TRUNCATE payments_audit;", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/truncates/);
  });

  it("flags DROP TABLE of an audit table", async () => {
    const f = await findings("audit-table-tampering", "DROP TABLE audit_log;", { libraries: ['pci-dss'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/drops/);
  });

  it("accepts adding a column to an audit table", async () => {
    expect(await findings("audit-table-tampering", "ALTER TABLE audit_log ADD COLUMN request_id uuid;", { libraries: ['sox'] })).toEqual([]);
  });

  it("accepts DELETE from a non-audit table", async () => {
    expect(await findings("audit-table-tampering", "DELETE FROM sessions WHERE expired;", { libraries: ['sox'] })).toEqual([]);
  });
});
