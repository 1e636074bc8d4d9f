import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("statement-after-access-exclusive", () => {
  it("flags an index build after an AccessExclusiveLock on the same table", async () => {
    const f = await findings("statement-after-access-exclusive", "ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/already holds AccessExclusiveLock/);
  });

  it("accepts a single statement", async () => {
    expect(await findings("statement-after-access-exclusive", "ALTER TABLE orders ADD COLUMN note text;")).toEqual([]);
  });
});
