import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("parse-error", () => {
  it("reports a syntax error with its position", async () => {
    const f = await findings("parse-error", "ALTER TABLE orders ADD COLUM note text;");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/syntax error/);
  });

  it("is silent on valid SQL", async () => {
    expect(await findings("parse-error", "ALTER TABLE orders ADD COLUMN note text;")).toEqual([]);
  });
});
