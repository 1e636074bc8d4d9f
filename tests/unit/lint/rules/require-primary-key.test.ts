import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("require-primary-key", () => {
  it("flags a table without primary key", async () => {
    const f = await findings("require-primary-key", "CREATE TABLE notes (body text);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/no primary key/);
  });

  it("accepts a table with a primary key", async () => {
    expect(await findings("require-primary-key", "CREATE TABLE notes (id bigint PRIMARY KEY, body text);")).toEqual([]);
  });
});
