import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("adding-foreign-key-constraint", () => {
  it("blocks writes on both tables while validating", async () => {
    const f = await findings("adding-foreign-key-constraint", "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id);");
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ShareRowExclusiveLock/);
  });

  it("accepts NOT VALID", async () => {
    expect(await findings("adding-foreign-key-constraint", "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;")).toEqual([]);
  });
});
