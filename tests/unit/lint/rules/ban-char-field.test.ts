import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("ban-char-field", () => {
  it("flags char(n)", async () => {
    const f = await findings("ban-char-field", "CREATE TABLE t (code char(3));");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/char\(3\)/);
  });

  it("accepts text", async () => {
    expect(await findings("ban-char-field", "CREATE TABLE t (code text);")).toEqual([]);
  });
});
