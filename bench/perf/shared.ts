/**
 * What bench/perf/run.ts and bench/perf/clocks.ts share: the schema, the query templates and the
 * split of a capture's pair noise.
 */
import { median } from '../../src-main/perf';

/** users 20k, items 200k, orders 200k rows, three secondary indexes */
export const DATA_SQL = `
CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL, country int NOT NULL);
CREATE TABLE items (id int PRIMARY KEY, cat int NOT NULL, price numeric NOT NULL, created timestamptz NOT NULL, payload text NOT NULL);
CREATE TABLE orders (id int PRIMARY KEY, user_id int NOT NULL, item_id int NOT NULL, qty int NOT NULL, at timestamptz NOT NULL);
INSERT INTO users SELECT g, 'user' || g, g % 40 FROM generate_series(1, 20000) g;
INSERT INTO items SELECT g, g % 100, (g::bigint * 7919) % 1000, timestamptz '2024-01-01' + g * interval '1 minute', repeat('x', 40) FROM generate_series(1, 200000) g;
INSERT INTO orders SELECT g, 1 + (g::bigint * 104729) % 20000, 1 + (g::bigint * 7919) % 200000, 1 + g % 5, timestamptz '2024-01-01' + g * interval '2 minutes' FROM generate_series(1, 200000) g;
CREATE INDEX items_cat ON items (cat);
CREATE INDEX items_created ON items (created);
CREATE INDEX orders_user ON orders (user_id);`;

export const BURN_SQL = `
-- the controlled slowdown: each query busy-waits for the microseconds its row of bench_burn says
-- (a per-database table: the before and after databases differ only in its content)
CREATE TABLE bench_burn (q text PRIMARY KEY, us float8 NOT NULL);
CREATE FUNCTION perf_bench_burn(name text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE us float8; t0 timestamptz; n int := 0;
BEGIN
  SELECT b.us INTO us FROM bench_burn b WHERE b.q = name;
  IF us IS NULL OR us <= 0 THEN RETURN 0; END IF;
  -- the clock starts after the lookup, which both sides pay: started before it, the lookup
  -- (tens of µs) was counted inside the burn and the injected slowdown fell short of nominal
  t0 := clock_timestamp();
  WHILE clock_timestamp() < t0 + us * interval '1 microsecond' LOOP n := n + 1; END LOOP;
  RETURN n;
END $$;`;

/** ten query templates; template k with variant i: point lookups, index ranges, joins, aggregates, sorts */
export const TEMPLATES: ((i: number) => string)[] = [
  (i) => `SELECT * FROM items WHERE id = ${1 + i * 3917}`,
  (i) => `SELECT count(*), avg(price) FROM items WHERE cat = ${i * 7}`,
  (i) => `SELECT id, price FROM items WHERE created > timestamptz '2024-02-01' + ${i} * interval '3 days' ORDER BY created LIMIT 50`,
  (i) => `SELECT u.country, sum(o.qty) FROM orders o JOIN users u ON u.id = o.user_id WHERE o.user_id BETWEEN ${i * 1000} AND ${i * 1000 + 40} GROUP BY 1`,
  (i) => `SELECT * FROM users WHERE id = ${100 + i * 311}`,
  (i) => `SELECT o.id, i.price FROM orders o JOIN items i ON i.id = o.item_id WHERE o.user_id = ${10 + i * 97}`,
  (i) => `SELECT cat, count(*) FROM items WHERE cat BETWEEN ${i * 10} AND ${i * 10 + 3} GROUP BY cat ORDER BY 2 DESC`,
  (i) => `SELECT count(*) FROM orders WHERE at >= timestamptz '2024-03-01' + ${i} * interval '5 days' AND at < timestamptz '2024-03-02' + ${i} * interval '5 days'`,
  (i) => `SELECT name FROM users WHERE country = ${i} ORDER BY id LIMIT 20`,
  (i) => `SELECT max(price), min(created) FROM items WHERE id BETWEEN ${i * 20000} AND ${i * 20000 + 2000}`,
];

/** sample standard deviation */
export const sd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
};

/**
 * Where the pair noise of one capture lives. `d[query][round]` = log(B/A) of that query's pair in
 * that round: `pair` is the SD of a query's log ratios (median over queries), `round` the SD of
 * what all queries of a round share (the median over the queries of each round: the round's
 * session pair), `rest` the SD of what is left once that is taken out (median over queries).
 */
export function noiseSplit(d: number[][]): { pair: number; round: number; rest: number } {
  const rounds = Math.min(...d.map((x) => x.length));
  const roundMed = Array.from({ length: rounds }, (_, r) => median(d.map((x) => x[r]!)));
  return {
    pair: median(d.map((x) => sd(x))),
    round: sd(roundMed),
    rest: median(d.map((x) => sd(x.slice(0, rounds).map((v, r) => v - roundMed[r]!)))),
  };
}
