import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("disallowed-unique-constraint", () => {
  it("builds a unique index under AccessExclusiveLock", async () => {
    const f = await findings("disallowed-unique-constraint", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts UNIQUE USING INDEX", async () => {
    expect(await findings("disallowed-unique-constraint", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;")).toEqual([]);
  });
});
