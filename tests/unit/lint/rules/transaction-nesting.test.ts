import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("transaction-nesting", () => {
  it("flags BEGIN inside a transaction", async () => {
    const f = await findings("transaction-nesting", "BEGIN;\nBEGIN;\nCOMMIT;\nCOMMIT;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/inside an open transaction/);
  });

  it("accepts one BEGIN ... COMMIT", async () => {
    expect(await findings("transaction-nesting", "BEGIN;\nALTER TABLE t ADD COLUMN a int;\nCOMMIT;")).toEqual([]);
  });
});
