/** Writes N migration files of mixed DDL (10 statements each) into a folder. Deterministic. */
import fs from 'node:fs';
import path from 'node:path';

const TEMPLATES = [
  (i: number) => `CREATE TABLE t${i} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, amount numeric(12,2), created_at timestamp DEFAULT now(), code char(3))`,
  (i: number) => `CREATE INDEX t${i}_name_idx ON orders_${i % 50} (name)`,
  (i: number) => `ALTER TABLE orders_${i % 50} ADD COLUMN note_${i} varchar(200) DEFAULT 'x'`,
  (i: number) => `ALTER TABLE orders_${i % 50} ADD CONSTRAINT fk_${i} FOREIGN KEY (customer_id) REFERENCES customers (id)`,
  (i: number) => `ALTER TABLE orders_${i % 50} ALTER COLUMN total TYPE bigint`,
  (i: number) => `CREATE INDEX CONCURRENTLY IF NOT EXISTS c${i}_idx ON events_${i % 20} (created_at)`,
  (i: number) => `ALTER TABLE customers_${i % 30} ALTER COLUMN email SET NOT NULL`,
  (i: number) => `UPDATE orders_${i % 50} SET status = 'done' WHERE id < ${i}`,
  (i: number) => `COMMENT ON COLUMN t${i}.name IS 'display name'`,
  (i: number) => `ALTER TABLE orders_${i % 50} ADD CONSTRAINT chk_${i} CHECK (amount >= 0) NOT VALID`,
  (i: number) => `DROP INDEX IF EXISTS old_${i}_idx`,
  (i: number) => `ALTER TABLE customers_${i % 30} RENAME COLUMN full_name TO display_name_${i}`,
  (i: number) => `CREATE VIEW v${i} AS SELECT id, name FROM t${i} WHERE amount > 10`,
  (_i: number) => `SET lock_timeout = '2s'`,
];

export function generate(dir: string, files = 2000, perFile = 10): number {
  fs.mkdirSync(dir, { recursive: true });
  let n = 0;
  for (let f = 0; f < files; f++) {
    const stmts: string[] = [];
    for (let s = 0; s < perFile; s++) stmts.push(TEMPLATES[(f * 7 + s * 3) % TEMPLATES.length]!(f * perFile + s) + ';');
    n += stmts.length;
    fs.writeFileSync(path.join(dir, `${String(f + 1).padStart(5, '0')}_bench.up.sql`), `-- bench migration ${f + 1}\n${stmts.join('\n')}\n`);
  }
  return n;
}
