import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-primary-key-constraint", () => {
  it("builds the index under AccessExclusiveLock", async () => {
    const f = await findings("adding-primary-key-constraint", "ALTER TABLE events ADD PRIMARY KEY (id);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/AccessExclusiveLock/);
  });

  it("accepts PRIMARY KEY USING INDEX", async () => {
    expect(await findings("adding-primary-key-constraint", "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;")).toEqual([]);
  });
});
