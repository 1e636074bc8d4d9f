/**
 * Lock knowledge as data. One row per statement kind / ALTER TABLE sub-command variant:
 * the lock mode on each relation it touches (named exactly as pg_locks.mode), whether it
 * rewrites the table (new relfilenode) or scans it under the lock, how its duration scales,
 * the PostgreSQL versions it applies to, and the safer pattern.
 *
 * Every row with an `example` is executed by tests/integration/locks against a real server
 * (embedded PG 18 and PG 15 in CI) inside a rolled-back transaction; the test reads pg_locks
 * of its own backend, relfilenode and pg_stat_xact_user_tables before and after and asserts
 * this row, so the table cannot drift from the server. Rows without an example cannot run in
 * a transaction block (CONCURRENTLY, VACUUM) and are taken from the documentation.
 */
import type { LockMode, OperationClass } from '../../src-shared/domain/locks';

export interface LockRule {
  id: string;
  title: string;
  /** first PostgreSQL major version with this behaviour (inclusive); absent = all supported (13+) */
  since?: number;
  /** last major version with this behaviour (inclusive) */
  until?: number;
  /** lock on the statement's own relation (table, index, view); null = none */
  target: LockMode | null;
  /** lock on the other table of a foreign key */
  referenced?: LockMode;
  /** lock on each existing index of the target */
  indexes?: LockMode;
  /** lock on each partition of a partitioned target */
  partitions?: LockMode;
  /** lock on the partitioned parent (ATTACH/DETACH, CREATE TABLE … PARTITION OF) */
  parent?: LockMode;
  /** lock on tables a query reads (views, CREATE TABLE AS, refresh) */
  sources?: LockMode;
  rewrites: boolean;
  scans: boolean;
  operation: OperationClass;
  /** can run inside a transaction block (and so be traced) */
  transactional: boolean;
  safeAlternative?: string;
  doc: string;
  note?: string;
  /** more statements of the same behaviour, traced the same way (other spellings, sub-commands) */
  moreExamples?: LockRuleExample[];
  /** traced by the integration test against FIXTURE_SQL */
  example?: LockRuleExample;
}

export interface LockRuleExample {
  sql: string;
  setup?: string;
  teardown?: string;
  minVersion?: number;
  /** why pg_stat_xact_user_tables.seq_scan moves although no data is read */
  scanCounterNoise?: string;
}

const DOC = {
  alter: 'https://www.postgresql.org/docs/current/sql-altertable.html#SQL-ALTERTABLE-NOTES',
  index: 'https://www.postgresql.org/docs/current/sql-createindex.html#SQL-CREATEINDEX-CONCURRENTLY',
  dropIndex: 'https://www.postgresql.org/docs/current/sql-dropindex.html',
  reindex: 'https://www.postgresql.org/docs/current/sql-reindex.html',
  locking: 'https://www.postgresql.org/docs/current/explicit-locking.html',
  trigger: 'https://www.postgresql.org/docs/current/sql-createtrigger.html',
  truncate: 'https://www.postgresql.org/docs/current/sql-truncate.html',
  vacuum: 'https://www.postgresql.org/docs/current/sql-vacuum.html',
  cluster: 'https://www.postgresql.org/docs/current/sql-cluster.html',
  refresh: 'https://www.postgresql.org/docs/current/sql-refreshmaterializedview.html',
  partition: 'https://www.postgresql.org/docs/current/ddl-partitioning.html',
  createTable: 'https://www.postgresql.org/docs/current/sql-createtable.html',
  lock: 'https://www.postgresql.org/docs/current/sql-lock.html',
} as const;

const AE: LockMode = 'AccessExclusiveLock';
const SUE: LockMode = 'ShareUpdateExclusiveLock';
const SRE: LockMode = 'ShareRowExclusiveLock';

/** The schema every example runs against (created once per test database). */
export const FIXTURE_SQL = `
CREATE TABLE customers (id bigint PRIMARY KEY, email text, name varchar(50));
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric(10,2), status text, note varchar(20), created_at timestamptz DEFAULT now());
CREATE INDEX orders_status_idx ON orders (status);
CREATE TABLE order_items (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id), qty int);
CREATE TABLE audit_log (id bigint, msg text);
CREATE TABLE events (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE events_2026 (id bigint NOT NULL, at date NOT NULL);
CREATE MATERIALIZED VIEW customer_totals AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE UNIQUE INDEX customer_totals_key ON customer_totals (customer_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();
INSERT INTO customers SELECT g, 'c' || g || '@example.com', 'name' FROM generate_series(1, 50) g;
INSERT INTO orders SELECT g, 1 + g % 50, g, 'new', 'n' FROM generate_series(1, 200) g;
INSERT INTO order_items SELECT g, g, 1 FROM generate_series(1, 100) g;
INSERT INTO events SELECT g, date '2024-06-01' + g FROM generate_series(1, 100) g;
INSERT INTO events_2026 SELECT g, date '2026-02-01' FROM generate_series(1, 10) g;
REFRESH MATERIALIZED VIEW customer_totals;
ANALYZE;
`;

export const LOCK_RULES: readonly LockRule[] = [
  // ───────────── CREATE ─────────────
  { id: 'create_table', title: 'CREATE TABLE', target: null, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.createTable,
    example: { sql: 'CREATE TABLE refunds (id bigint PRIMARY KEY, amount numeric)' } },
  { id: 'create_table.references', title: 'CREATE TABLE … REFERENCES', target: null, referenced: SRE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.createTable,
    note: 'the referenced table is locked against writes while the FK triggers are created',
    example: { sql: 'CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id))' } },
  { id: 'create_table.partition_of', title: 'CREATE TABLE … PARTITION OF', target: null, parent: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.partition,
    safeAlternative: 'CREATE TABLE … (LIKE parent) + CHECK matching the bound, then ALTER TABLE parent ATTACH PARTITION (ShareUpdateExclusiveLock on the parent)',
    example: { sql: "CREATE TABLE events_2027 PARTITION OF events FOR VALUES FROM ('2027-01-01') TO ('2028-01-01')" } },
  { id: 'create_table.inherits', title: 'CREATE TABLE … INHERITS', target: null, parent: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.createTable,
    example: { sql: 'CREATE TABLE audit_log_2026 (extra text) INHERITS (audit_log)' } },
  { id: 'create_table_as', title: 'CREATE TABLE AS / SELECT INTO', target: null, sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.createTable,
    example: { sql: 'CREATE TABLE orders_copy AS SELECT * FROM orders' } },
  { id: 'create_materialized_view', title: 'CREATE MATERIALIZED VIEW', target: null, sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.refresh,
    example: { sql: 'CREATE MATERIALIZED VIEW order_counts AS SELECT status, count(*) FROM orders GROUP BY status' } },
  { id: 'create_view', title: 'CREATE VIEW', target: null, sources: 'AccessShareLock', rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.createTable,
    example: { sql: 'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 100' } },
  { id: 'create_or_replace_view', title: 'CREATE OR REPLACE VIEW (of an existing view)', target: AE, sources: 'AccessShareLock', rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createview.html',
    note: 'replacing a view locks it ACCESS EXCLUSIVE: every query reading the view waits',
    safeAlternative: 'SET lock_timeout so the replacement cannot queue behind a long read of the view',
    example: { sql: 'CREATE OR REPLACE VIEW big_orders AS SELECT * FROM orders WHERE total > 100', setup: 'CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 50', teardown: 'DROP VIEW IF EXISTS big_orders' } },
  { id: 'create_index', title: 'CREATE INDEX', target: 'ShareLock', rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.index,
    safeAlternative: 'CREATE INDEX CONCURRENTLY (ShareUpdateExclusiveLock; writes continue), in its own non-transactional migration',
    example: { sql: 'CREATE INDEX orders_total_idx ON orders (total)' } },
  { id: 'create_index.partitioned', title: 'CREATE INDEX on a partitioned table', target: 'ShareLock', partitions: 'ShareLock', rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.partition,
    safeAlternative: 'CREATE INDEX ON ONLY parent, then CREATE INDEX CONCURRENTLY on each partition and ALTER INDEX … ATTACH PARTITION',
    example: { sql: 'CREATE INDEX events_id_idx ON events (id)' } },
  { id: 'create_index.only', title: 'CREATE INDEX ON ONLY a partitioned table', target: 'ShareLock', rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.partition,
    note: 'ON ONLY a partitioned parent creates an invalid, catalog-only index: no partition is locked or scanned, and it cannot be built CONCURRENTLY (PostgreSQL refuses); attach each partition\'s index to make it valid',
    example: { sql: 'CREATE INDEX events_only_idx ON ONLY events (id)' } },
  { id: 'create_index.concurrently', title: 'CREATE INDEX CONCURRENTLY', target: SUE, rewrites: false, scans: true, operation: 'index_build', transactional: false, doc: DOC.index,
    note: 'two table scans and waits for every transaction older than the build; a failure leaves an INVALID index to drop' },
  { id: 'create_trigger', title: 'CREATE TRIGGER', target: SRE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.trigger,
    safeAlternative: 'SET lock_timeout so the short write-blocking lock cannot queue behind a long transaction',
    example: { sql: 'CREATE TRIGGER orders_touch_insert BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch()' } },
  { id: 'create_policy', title: 'CREATE POLICY', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createpolicy.html',
    example: { sql: 'CREATE POLICY orders_all ON orders USING (true)' } },

  { id: 'alter_policy', title: 'ALTER POLICY (incl. RENAME)', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterpolicy.html',
    example: { setup: 'CREATE POLICY orders_own ON orders USING (true)', sql: 'ALTER POLICY orders_own ON orders USING (false)', teardown: 'DROP POLICY IF EXISTS orders_own ON orders' } },
  { id: 'create_rule', title: 'CREATE RULE', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createrule.html',
    example: { sql: 'CREATE RULE audit_log_no_delete AS ON DELETE TO audit_log DO INSTEAD NOTHING' } },
  { id: 'create_statistics', title: 'CREATE STATISTICS', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createstatistics.html',
    example: { sql: 'CREATE STATISTICS orders_status_total ON status, total FROM orders' } },
  { id: 'drop_statistics', title: 'DROP STATISTICS', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-dropstatistics.html',
    note: 'locks the table the statistics object is on (the catalog names it; without one it is "the table of statistics X")',
    example: { setup: 'CREATE STATISTICS IF NOT EXISTS orders_status_total_st ON status, total FROM orders', sql: 'DROP STATISTICS orders_status_total_st', teardown: 'DROP STATISTICS IF EXISTS orders_status_total_st' } },
  { id: 'publication_table', title: 'CREATE/ALTER PUBLICATION … TABLE', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createpublication.html',
    moreExamples: [{ sql: 'ALTER PUBLICATION base_pub ADD TABLE orders', setup: 'CREATE PUBLICATION base_pub', teardown: 'DROP PUBLICATION IF EXISTS base_pub' }],
    example: { sql: 'CREATE PUBLICATION orders_pub FOR TABLE orders' } },
  { id: 'grant', title: 'GRANT / REVOKE on a table', since: 18, target: 'AccessShareLock', rewrites: false, scans: false, operation: 'none', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-grant.html',
    note: 'ACCESS SHARE on the table (waits only for ACCESS EXCLUSIVE): traced on PostgreSQL 18; PostgreSQL 15 takes no table lock (16–17 not traced)',
    example: { sql: 'GRANT SELECT ON orders TO PUBLIC', minVersion: 18 } },
  { id: 'alter_sequence', title: 'ALTER SEQUENCE', target: SRE, rewrites: true, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-altersequence.html',
    note: 'locks the sequence only (its single page is rewritten): nextval() callers (INSERTs using it) wait for the commit',
    example: { setup: 'CREATE SEQUENCE IF NOT EXISTS invoice_no', sql: 'ALTER SEQUENCE invoice_no RESTART WITH 1000', teardown: 'DROP SEQUENCE IF EXISTS invoice_no' } },
  { id: 'alter_domain.add_constraint', title: 'ALTER DOMAIN … ADD CONSTRAINT (tables using the domain)', target: 'ShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterdomain.html',
    note: 'every table with a column of the domain is locked SHARE and scanned',
    safeAlternative: 'ADD CONSTRAINT … NOT VALID, then VALIDATE CONSTRAINT',
    example: { setup: "CREATE DOMAIN positive_qty AS int; CREATE TABLE stock (id int, qty positive_qty); INSERT INTO stock VALUES (1, 5)", sql: 'ALTER DOMAIN positive_qty ADD CONSTRAINT positive_qty_check CHECK (VALUE > 0)', teardown: 'DROP TABLE IF EXISTS stock; DROP DOMAIN IF EXISTS positive_qty' } },
  { id: 'alter_domain.validate_constraint', title: 'ALTER DOMAIN … VALIDATE CONSTRAINT (tables using the domain)', target: 'ShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterdomain.html',
    note: 'every table with a column of the domain is locked SHARE (writes wait) and scanned — unlike ALTER TABLE … VALIDATE CONSTRAINT, which takes only SHARE UPDATE EXCLUSIVE',
    example: { setup: "CREATE DOMAIN even_qty AS int; CREATE TABLE stock2 (id int, qty even_qty); INSERT INTO stock2 VALUES (1, 4); ALTER DOMAIN even_qty ADD CONSTRAINT even_qty_check CHECK (VALUE % 2 = 0) NOT VALID", sql: 'ALTER DOMAIN even_qty VALIDATE CONSTRAINT even_qty_check', teardown: 'DROP TABLE IF EXISTS stock2; DROP DOMAIN IF EXISTS even_qty' } },
  { id: 'alter_domain.add_constraint.not_valid', title: 'ALTER DOMAIN … ADD CONSTRAINT … NOT VALID', target: null, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterdomain.html' },
  { id: 'set_schema', title: 'ALTER TABLE/VIEW/SEQUENCE … SET SCHEMA', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { setup: 'CREATE SCHEMA IF NOT EXISTS archive', sql: 'ALTER TABLE audit_log SET SCHEMA archive', teardown: 'DROP SCHEMA IF EXISTS archive CASCADE' } },

  // ───────────── ALTER TABLE: columns ─────────────
  { id: 'alter_table.add_column', title: 'ADD COLUMN (nullable, no default)', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    safeAlternative: 'already the safe form; SET lock_timeout so the brief ACCESS EXCLUSIVE lock cannot queue',
    example: { sql: 'ALTER TABLE orders ADD COLUMN discount numeric' } },
  { id: 'alter_table.add_column.default_constant', title: 'ADD COLUMN … DEFAULT <non-volatile>', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'fast default since PG 11: the value is stored in the catalog, no rewrite',
    example: { sql: "ALTER TABLE orders ADD COLUMN channel text NOT NULL DEFAULT 'web'" } },
  { id: 'alter_table.add_column.default_volatile', title: 'ADD COLUMN … DEFAULT <volatile>', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD COLUMN nullable, ALTER COLUMN SET DEFAULT, backfill in batches',
    example: { sql: 'ALTER TABLE orders ADD COLUMN token double precision DEFAULT random()' } },
  { id: 'alter_table.add_column.serial', title: 'ADD COLUMN serial/bigserial', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD COLUMN nullable bigint, create the sequence, SET DEFAULT nextval(…), backfill in batches',
    example: { sql: 'ALTER TABLE orders ADD COLUMN seq bigserial' } },
  { id: 'alter_table.add_column.identity', title: 'ADD COLUMN … GENERATED AS IDENTITY', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD COLUMN nullable + sequence default + batched backfill, or a new table',
    example: { sql: 'ALTER TABLE orders ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY' } },
  { id: 'alter_table.add_column.stored_generated', title: 'ADD COLUMN … GENERATED ALWAYS AS (…) STORED', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'a trigger-maintained column backfilled in batches (or a VIRTUAL generated column on PG 18+)',
    example: { sql: 'ALTER TABLE orders ADD COLUMN total_cents bigint GENERATED ALWAYS AS ((total * 100)::bigint) STORED' } },
  { id: 'alter_table.add_column.virtual_generated', title: 'ADD COLUMN … GENERATED ALWAYS AS (…) VIRTUAL', since: 18, target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'virtual generated columns exist since PG 18 and are computed on read',
    example: { sql: 'ALTER TABLE orders ADD COLUMN total_double numeric GENERATED ALWAYS AS (total * 2) VIRTUAL', minVersion: 18 } },
  { id: 'alter_table.add_column.not_null_no_default', title: 'ADD COLUMN … NOT NULL without default', target: AE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    note: 'fails on any non-empty table; checks every row under the lock',
    safeAlternative: 'ADD COLUMN with a constant DEFAULT (fast default), or nullable → backfill → NOT NULL pattern',
    example: { sql: 'ALTER TABLE audit_log ADD COLUMN at timestamptz NOT NULL' } },
  { id: 'alter_table.add_column.references', title: 'ADD COLUMN … REFERENCES', target: AE, referenced: SRE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'the new column is all NULL, so PostgreSQL skips the validation scan (traced); the referenced table is locked against writes',
    safeAlternative: 'ADD COLUMN, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction',
    example: { sql: 'ALTER TABLE order_items ADD COLUMN customer_id bigint REFERENCES customers (id)' } },
  { id: 'alter_table.add_column.check', title: 'ADD COLUMN … CHECK (…)', target: AE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    note: 'the inline CHECK is validated against every existing row under the lock',
    safeAlternative: 'ADD COLUMN without the CHECK, then ADD CONSTRAINT … CHECK (…) NOT VALID and VALIDATE it in a later transaction',
    example: { sql: 'ALTER TABLE orders ADD COLUMN discount numeric CHECK (discount >= 0)' } },
  { id: 'alter_table.add_column.unique', title: 'ADD COLUMN … UNIQUE / PRIMARY KEY', target: AE, rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD COLUMN, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX',
    example: { sql: 'ALTER TABLE orders ADD COLUMN external_ref text UNIQUE' } },
  { id: 'alter_table.add_column.references_default', title: 'ADD COLUMN … DEFAULT <value> REFERENCES', target: AE, referenced: SRE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    note: 'with a non-NULL DEFAULT every row is checked against the referenced table',
    safeAlternative: 'ADD COLUMN with the DEFAULT, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT',
    example: { sql: 'ALTER TABLE orders ADD COLUMN billing_customer_id bigint DEFAULT 1 REFERENCES customers (id)' } },
  { id: 'alter_table.add_column.constrained_domain', title: 'ADD COLUMN of a domain with constraints', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    note: 'the domain constraint is checked by rewriting every row',
    safeAlternative: 'ADD COLUMN with the base type, backfill, then add a CHECK NOT VALID + VALIDATE',
    example: { setup: 'CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0)', sql: 'ALTER TABLE orders ADD COLUMN refund positive_amount', teardown: 'DROP DOMAIN IF EXISTS positive_amount CASCADE' } },
  { id: 'alter_table.column_default', title: 'ALTER COLUMN SET/DROP DEFAULT', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders ALTER COLUMN status DROP DEFAULT' }],
    example: { sql: "ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'new'" } },
  { id: 'alter_table.alter_type.rewrite', title: 'ALTER COLUMN TYPE (rewrites)', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'add a new column, dual-write with a trigger, backfill in batches, swap names in a short transaction',
    example: { sql: 'ALTER TABLE order_items ALTER COLUMN qty TYPE bigint' } },
  { id: 'alter_table.alter_type.coercible', title: 'ALTER COLUMN TYPE (binary-coercible: varchar widening, → text, numeric precision up)', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'no table rewrite; indexes on the column may still be rebuilt',
    example: { sql: 'ALTER TABLE orders ALTER COLUMN note TYPE varchar(40)' } },
  { id: 'alter_table.set_not_null', title: 'ALTER COLUMN SET NOT NULL', target: AE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (no scan since PG 12); on PG 18+: ADD CONSTRAINT … NOT NULL col NOT VALID + VALIDATE',
    example: { sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL' } },
  { id: 'alter_table.set_not_null.proven', title: 'ALTER COLUMN SET NOT NULL with a valid CHECK (col IS NOT NULL)', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'a validated CHECK proves the column has no NULLs, so PG 12+ skips the scan',
    example: {
      setup: 'ALTER TABLE orders ADD CONSTRAINT orders_status_not_null CHECK (status IS NOT NULL)',
      sql: 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL',
      teardown: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_status_not_null',
    } },
  { id: 'alter_table.drop_not_null', title: 'ALTER COLUMN DROP NOT NULL', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE orders ALTER COLUMN status DROP NOT NULL' } },
  { id: 'alter_table.drop_column', title: 'DROP COLUMN', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'the column is hidden, its space reclaimed by a later rewrite; data is gone for good',
    safeAlternative: 'stop using the column in the application first; keep a backup of its data',
    example: { sql: 'ALTER TABLE orders DROP COLUMN note' } },
  { id: 'alter_table.set_statistics', title: 'ALTER COLUMN SET STATISTICS / SET (attribute options)', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders ALTER COLUMN status SET (n_distinct = 5)' }, { sql: 'ALTER TABLE orders ALTER COLUMN status RESET (n_distinct)' }],
    example: { sql: 'ALTER TABLE orders ALTER COLUMN status SET STATISTICS 500' } },
  { id: 'alter_table.set_storage', title: 'ALTER COLUMN SET STORAGE / SET COMPRESSION', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders ALTER COLUMN status SET COMPRESSION pglz' }],
    example: { sql: 'ALTER TABLE orders ALTER COLUMN status SET STORAGE EXTERNAL' } },
  { id: 'alter_table.drop_expression', title: 'ALTER COLUMN DROP EXPRESSION', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { setup: 'ALTER TABLE orders ADD COLUMN total_x2 numeric GENERATED ALWAYS AS (total * 2) STORED', sql: 'ALTER TABLE orders ALTER COLUMN total_x2 DROP EXPRESSION', teardown: 'ALTER TABLE orders DROP COLUMN IF EXISTS total_x2' } },
  { id: 'alter_table.set_expression', title: 'ALTER COLUMN SET EXPRESSION', since: 17, target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    note: 'PG 17+: recomputes every stored value',
    example: { setup: 'ALTER TABLE orders ADD COLUMN total_x2 numeric GENERATED ALWAYS AS (total * 2) STORED', sql: 'ALTER TABLE orders ALTER COLUMN total_x2 SET EXPRESSION AS (total * 3)', teardown: 'ALTER TABLE orders DROP COLUMN IF EXISTS total_x2', minVersion: 17 } },
  { id: 'alter_table.identity', title: 'ALTER COLUMN ADD/SET/DROP IDENTITY', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [
      { sql: 'ALTER TABLE numbered ALTER COLUMN id SET GENERATED BY DEFAULT', setup: 'CREATE TABLE numbered (id bigint GENERATED ALWAYS AS IDENTITY, x int)', teardown: 'DROP TABLE IF EXISTS numbered' },
      { sql: 'ALTER TABLE numbered ALTER COLUMN id DROP IDENTITY', setup: 'CREATE TABLE numbered (id bigint GENERATED ALWAYS AS IDENTITY, x int)', teardown: 'DROP TABLE IF EXISTS numbered' },
    ],
    example: { sql: 'ALTER TABLE orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY' } },

  // ───────────── ALTER TABLE: constraints ─────────────
  { id: 'alter_table.add_check', title: 'ADD CONSTRAINT … CHECK', target: AE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later transaction (ShareUpdateExclusiveLock)',
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0)' } },
  { id: 'alter_table.add_check.not_valid', title: 'ADD CONSTRAINT … CHECK … NOT VALID', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID' } },
  { id: 'alter_table.add_fk', title: 'ADD CONSTRAINT … FOREIGN KEY', target: SRE, referenced: SRE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    safeAlternative: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later transaction',
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)' } },
  { id: 'alter_table.add_fk.not_valid', title: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID', target: SRE, referenced: SRE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID' } },
  { id: 'alter_table.validate_constraint', title: 'VALIDATE CONSTRAINT (CHECK)', target: SUE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    note: 'reads and writes continue; run it in its own transaction, not with the NOT VALID add',
    example: {
      setup: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID',
      sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check',
      teardown: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check',
    } },
  { id: 'alter_table.validate_constraint.fk', title: 'VALIDATE CONSTRAINT (FOREIGN KEY)', target: SUE, referenced: 'RowShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.alter,
    example: {
      setup: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID',
      sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk',
      teardown: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_customer_fk',
    } },
  { id: 'alter_table.add_not_null_not_valid', title: 'ADD CONSTRAINT … NOT NULL col NOT VALID', since: 18, target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'PG 18+: VALIDATE CONSTRAINT then proves it under ShareUpdateExclusiveLock',
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_status_nn NOT NULL status NOT VALID', minVersion: 18 } },
  { id: 'alter_table.add_unique', title: 'ADD CONSTRAINT … UNIQUE / PRIMARY KEY (builds an index)', target: AE, rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.alter,
    safeAlternative: 'CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … UNIQUE/PRIMARY KEY USING INDEX',
    example: { sql: 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email)' } },
  { id: 'alter_table.add_constraint_using_index', title: 'ADD CONSTRAINT … USING INDEX', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'PRIMARY KEY USING INDEX on nullable columns also sets NOT NULL, which scans',
    example: {
      setup: 'CREATE UNIQUE INDEX customers_email_uidx ON customers (email)',
      sql: 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_uidx',
      teardown: 'DROP INDEX IF EXISTS customers_email_uidx',
    } },
  { id: 'alter_table.add_exclude', title: 'ADD CONSTRAINT … EXCLUDE', target: AE, rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.alter,
    note: 'cannot be added NOT VALID; no online alternative on an existing table',
    example: { sql: 'ALTER TABLE orders ADD CONSTRAINT orders_excl EXCLUDE USING btree (id WITH =)' } },
  { id: 'alter_table.alter_constraint', title: 'ALTER CONSTRAINT (deferrability)', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE order_items ALTER CONSTRAINT order_items_order_id_fkey DEFERRABLE INITIALLY DEFERRED' } },
  { id: 'alter_table.drop_constraint', title: 'DROP CONSTRAINT', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: {
      setup: 'ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0)',
      sql: 'ALTER TABLE orders DROP CONSTRAINT orders_total_check',
      teardown: 'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_total_check',
    } },
  { id: 'alter_table.drop_constraint.fk', title: 'DROP CONSTRAINT (FOREIGN KEY)', target: AE, referenced: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'dropping a foreign key also removes its triggers on the referenced table',
    example: { sql: 'ALTER TABLE order_items DROP CONSTRAINT order_items_order_id_fkey' } },

  // ───────────── ALTER TABLE: table-level ─────────────
  { id: 'alter_table.set_reloptions', title: 'SET/RESET (storage parameters: fillfactor, autovacuum_*, …)', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders RESET (autovacuum_vacuum_scale_factor)' }],
    example: { sql: 'ALTER TABLE orders SET (autovacuum_vacuum_scale_factor = 0.01)' } },
  { id: 'alter_table.cluster_on', title: 'CLUSTER ON / SET WITHOUT CLUSTER', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders SET WITHOUT CLUSTER' }],
    example: { sql: 'ALTER TABLE orders CLUSTER ON orders_pkey' } },
  { id: 'alter_table.set_tablespace', title: 'SET TABLESPACE', target: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    safeAlternative: 'pg_repack --tablespace, or a logical copy' },
  { id: 'alter_table.set_logged', title: 'SET LOGGED / SET UNLOGGED', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE scratch SET LOGGED', setup: 'CREATE UNLOGGED TABLE scratch (id int); INSERT INTO scratch VALUES (1)', teardown: 'DROP TABLE IF EXISTS scratch' }],
    example: { sql: 'ALTER TABLE audit_log SET UNLOGGED' } },
  { id: 'alter_table.set_access_method', title: 'SET ACCESS METHOD', since: 15, target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.alter,
    note: 'rewrites into the new access method (to the same one it is a no-op); not traced: the test server has one table access method' },
  { id: 'alter_table.rule_toggle', title: 'ENABLE/DISABLE RULE', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [
      { sql: 'ALTER TABLE audit_log ENABLE ALWAYS RULE audit_log_keep', setup: 'CREATE RULE audit_log_keep AS ON UPDATE TO audit_log DO ALSO NOTHING', teardown: 'DROP RULE IF EXISTS audit_log_keep ON audit_log' },
      { sql: 'ALTER TABLE audit_log ENABLE REPLICA RULE audit_log_keep', setup: 'CREATE RULE audit_log_keep AS ON UPDATE TO audit_log DO ALSO NOTHING', teardown: 'DROP RULE IF EXISTS audit_log_keep ON audit_log' },
      { sql: 'ALTER TABLE audit_log ENABLE RULE audit_log_keep', setup: 'CREATE RULE audit_log_keep AS ON UPDATE TO audit_log DO ALSO NOTHING', teardown: 'DROP RULE IF EXISTS audit_log_keep ON audit_log' },
    ],
    example: { sql: 'ALTER TABLE audit_log DISABLE RULE audit_log_keep', setup: 'CREATE RULE audit_log_keep AS ON UPDATE TO audit_log DO ALSO NOTHING', teardown: 'DROP RULE IF EXISTS audit_log_keep ON audit_log' } },
  { id: 'alter_table.of_type', title: 'OF type / NOT OF', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE typed_log NOT OF', setup: 'CREATE TYPE typed_row AS (id bigint, msg text); CREATE TABLE typed_log OF typed_row', teardown: 'DROP TABLE IF EXISTS typed_log; DROP TYPE IF EXISTS typed_row' }],
    example: { sql: 'ALTER TABLE audit_log OF log_row', setup: 'CREATE TYPE log_row AS (id bigint, msg text)', teardown: 'DROP TYPE IF EXISTS log_row' } },
  { id: 'alter_table.attach_partition', title: 'ATTACH PARTITION', target: SUE, partitions: AE, rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.partition,
    note: 'the partition being attached is scanned under ACCESS EXCLUSIVE unless a valid CHECK implies the bound',
    safeAlternative: 'add a CHECK matching the bound NOT VALID, VALIDATE it, then ATTACH (no scan)',
    example: { sql: "ALTER TABLE events ATTACH PARTITION events_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')" } },
  { id: 'alter_table.detach_partition', title: 'DETACH PARTITION', target: AE, partitions: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.partition,
    safeAlternative: 'DETACH PARTITION … CONCURRENTLY (PG 14+, ShareUpdateExclusiveLock on the parent, outside a transaction)',
    example: { sql: 'ALTER TABLE events DETACH PARTITION events_2025' } },
  { id: 'alter_table.detach_partition_concurrently', title: 'DETACH PARTITION … CONCURRENTLY', since: 14, target: SUE, partitions: AE, rewrites: false, scans: false, operation: 'catalog', transactional: false, doc: DOC.partition },
  { id: 'alter_table.inherit', title: 'INHERIT parent', target: AE, parent: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { setup: 'CREATE TABLE audit_log_old (id bigint, msg text)', sql: 'ALTER TABLE audit_log_old INHERIT audit_log', teardown: 'DROP TABLE IF EXISTS audit_log_old' } },
  { id: 'alter_table.no_inherit', title: 'NO INHERIT parent', target: AE, parent: 'AccessShareLock', rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { setup: 'CREATE TABLE audit_log_old () INHERITS (audit_log)', sql: 'ALTER TABLE audit_log_old NO INHERIT audit_log', teardown: 'DROP TABLE IF EXISTS audit_log_old' } },
  { id: 'alter_table.trigger_toggle', title: 'ENABLE/DISABLE TRIGGER', target: SRE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders ENABLE TRIGGER orders_touch' }, { sql: 'ALTER TABLE orders ENABLE ALWAYS TRIGGER orders_touch' }, { sql: 'ALTER TABLE orders ENABLE REPLICA TRIGGER orders_touch' }, { sql: 'ALTER TABLE orders DISABLE TRIGGER USER' }, { sql: 'ALTER TABLE orders ENABLE TRIGGER USER' }],
    example: { sql: 'ALTER TABLE orders DISABLE TRIGGER orders_touch' } },
  { id: 'alter_table.owner', title: 'OWNER TO', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE orders OWNER TO CURRENT_USER' } },
  { id: 'alter_table.row_security', title: 'ENABLE/DISABLE/FORCE ROW LEVEL SECURITY', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    moreExamples: [{ sql: 'ALTER TABLE orders DISABLE ROW LEVEL SECURITY' }, { sql: 'ALTER TABLE orders FORCE ROW LEVEL SECURITY' }, { sql: 'ALTER TABLE orders NO FORCE ROW LEVEL SECURITY' }],
    example: { sql: 'ALTER TABLE orders ENABLE ROW LEVEL SECURITY' } },
  { id: 'alter_table.replica_identity', title: 'REPLICA IDENTITY', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE orders REPLICA IDENTITY FULL' } },
  { id: 'alter_table.other', title: 'other ALTER TABLE sub-command', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    note: 'not in the lock table: ACCESS EXCLUSIVE is assumed' },

  { id: 'alter_index.set', title: 'ALTER INDEX … SET (…) / ALTER COLUMN … SET STATISTICS', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterindex.html',
    note: 'the index only: its table is not locked',
    example: { sql: 'ALTER INDEX orders_status_idx SET (fillfactor = 70)' } },
  { id: 'alter_index.attach_partition', title: 'ALTER INDEX … ATTACH PARTITION', target: SUE, partitions: AE, parent: 'AccessShareLock', rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterindex.html',
    note: 'catalog-only: the partitioned index (SHARE UPDATE EXCLUSIVE) and the attached index (ACCESS EXCLUSIVE); both tables only ACCESS SHARE, so reads and writes continue',
    example: { sql: 'ALTER INDEX events_at_only_idx ATTACH PARTITION events_2024_at_idx', setup: 'CREATE INDEX events_at_only_idx ON ONLY events (at); CREATE INDEX events_2024_at_idx ON events_2024 (at)', teardown: 'DROP INDEX IF EXISTS events_at_only_idx; DROP INDEX IF EXISTS events_2024_at_idx' } },
  { id: 'alter_index.set_tablespace', title: 'ALTER INDEX … SET TABLESPACE', target: AE, rewrites: true, scans: false, operation: 'rewrite', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterindex.html',
    note: 'copies the index files; the table is not locked, but the index cannot be used meanwhile' },

  // ───────────── RENAME ─────────────
  { id: 'rename_table', title: 'ALTER TABLE … RENAME TO', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    safeAlternative: 'expand/contract: keep a view under the old name while clients move',
    moreExamples: [{ sql: 'ALTER MATERIALIZED VIEW customer_totals RENAME TO customer_sums' }],
    example: { sql: 'ALTER TABLE audit_log RENAME TO audit_events' } },
  { id: 'rename_column', title: 'RENAME COLUMN', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    safeAlternative: 'expand/contract: add the new column, dual-write, move readers, drop the old one',
    example: { sql: 'ALTER TABLE orders RENAME COLUMN note TO remark' } },
  { id: 'rename_constraint', title: 'RENAME CONSTRAINT', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.alter,
    example: { sql: 'ALTER TABLE order_items RENAME CONSTRAINT order_items_order_id_fkey TO order_items_order_fk' } },
  { id: 'rename_index', title: 'ALTER INDEX … RENAME', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-alterindex.html',
    note: 'the index only, not its table (since PG 12)',
    example: { sql: 'ALTER INDEX orders_status_idx RENAME TO orders_state_idx' } },

  { id: 'rename_trigger', title: 'ALTER TRIGGER … RENAME', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-altertrigger.html',
    example: { sql: 'ALTER TRIGGER orders_touch ON orders RENAME TO orders_touch_update' } },

  // ───────────── DROP / TRUNCATE ─────────────
  { id: 'drop_table', title: 'DROP TABLE', target: AE, referenced: AE, indexes: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-droptable.html',
    note: 'tables linked by a foreign key are locked too, to drop the FK triggers; the data is gone for good',
    safeAlternative: 'rename it (or revoke access) first and drop it in a later release; keep a backup',
    example: { sql: 'DROP TABLE order_items' } },
  { id: 'drop_index', title: 'DROP INDEX', target: AE, parent: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.dropIndex,
    safeAlternative: 'DROP INDEX CONCURRENTLY (outside a transaction)',
    example: { sql: 'DROP INDEX orders_status_idx' } },
  { id: 'drop_index.concurrently', title: 'DROP INDEX CONCURRENTLY', target: SUE, parent: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: false, doc: DOC.dropIndex },
  { id: 'drop_view', title: 'DROP VIEW / MATERIALIZED VIEW', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-dropview.html',
    example: { sql: 'DROP MATERIALIZED VIEW customer_totals' } },
  { id: 'drop_sequence', title: 'DROP SEQUENCE', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-dropsequence.html',
    example: { setup: 'CREATE SEQUENCE IF NOT EXISTS invoice_no', sql: 'DROP SEQUENCE invoice_no' } },
  { id: 'drop_policy', title: 'DROP POLICY', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-droppolicy.html',
    example: { setup: 'CREATE POLICY orders_own ON orders USING (true)', sql: 'DROP POLICY orders_own ON orders', teardown: 'DROP POLICY IF EXISTS orders_own ON orders' } },
  { id: 'drop_rule', title: 'DROP RULE', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-droprule.html',
    example: { setup: 'CREATE RULE audit_log_no_update AS ON UPDATE TO audit_log DO INSTEAD NOTHING', sql: 'DROP RULE audit_log_no_update ON audit_log', teardown: 'DROP RULE IF EXISTS audit_log_no_update ON audit_log' } },
  { id: 'drop_cascade', title: 'DROP FUNCTION/SCHEMA/TYPE … CASCADE', target: null, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/ddl-depend.html',
    note: 'CASCADE drops what depends on the object: triggers (ACCESS EXCLUSIVE on their tables), columns of the type, every relation of the schema',
    safeAlternative: 'drop the dependent triggers/columns explicitly first, each with lock_timeout, then drop the object without CASCADE',
    example: { setup: 'CREATE FUNCTION audit_stamp() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$; CREATE TRIGGER customers_stamp BEFORE UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION audit_stamp()', sql: 'DROP FUNCTION audit_stamp() CASCADE', teardown: 'DROP FUNCTION IF EXISTS audit_stamp() CASCADE' } },
  { id: 'truncate', title: 'TRUNCATE', target: AE, rewrites: true, scans: false, operation: 'catalog', transactional: true, doc: DOC.truncate,
    note: 'new empty files (a new relfilenode); the data is gone for good',
    safeAlternative: 'batched DELETE if readers must not wait',
    example: { sql: 'TRUNCATE audit_log' } },
  { id: 'truncate.cascade', title: 'TRUNCATE … CASCADE', target: AE, referenced: AE, rewrites: true, scans: false, operation: 'catalog', transactional: true, doc: DOC.truncate,
    note: 'also empties every table that references it',
    example: { sql: 'TRUNCATE orders CASCADE', scanCounterNoise: 'the new, empty indexes are built by scanning the new, empty heap' } },

  // ───────────── maintenance ─────────────
  { id: 'vacuum', title: 'VACUUM', target: SUE, rewrites: false, scans: true, operation: 'scan', transactional: false, doc: DOC.vacuum },
  { id: 'vacuum_full', title: 'VACUUM FULL', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: false, doc: DOC.vacuum,
    safeAlternative: 'pg_repack / pg_squeeze' },
  { id: 'analyze', title: 'ANALYZE', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-analyze.html',
    note: 'reads a sample, not the whole table',
    example: { sql: 'ANALYZE orders' } },
  { id: 'cluster', title: 'CLUSTER', target: AE, indexes: AE, rewrites: true, scans: true, operation: 'rewrite', transactional: true, doc: DOC.cluster,
    safeAlternative: 'pg_repack',
    example: { sql: 'CLUSTER orders USING orders_pkey' } },
  { id: 'reindex_table', title: 'REINDEX TABLE', target: 'ShareLock', indexes: AE, rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.reindex,
    note: 'indexes are locked ACCESS EXCLUSIVE, so queries planning on them wait too',
    safeAlternative: 'REINDEX TABLE CONCURRENTLY (outside a transaction)',
    example: { sql: 'REINDEX TABLE orders' } },
  { id: 'reindex_index', title: 'REINDEX INDEX', target: AE, parent: 'ShareLock', rewrites: false, scans: true, operation: 'index_build', transactional: true, doc: DOC.reindex,
    safeAlternative: 'REINDEX INDEX CONCURRENTLY (outside a transaction)',
    example: { sql: 'REINDEX INDEX orders_status_idx' } },
  { id: 'reindex.concurrently', title: 'REINDEX … CONCURRENTLY', target: SUE, rewrites: false, scans: true, operation: 'index_build', transactional: false, doc: DOC.reindex },
  { id: 'refresh_materialized_view', title: 'REFRESH MATERIALIZED VIEW', target: AE, sources: 'AccessShareLock', rewrites: true, scans: true, operation: 'refresh', transactional: true, doc: DOC.refresh,
    safeAlternative: 'REFRESH MATERIALIZED VIEW CONCURRENTLY (needs a unique index; reads continue)',
    example: { sql: 'REFRESH MATERIALIZED VIEW customer_totals' } },
  { id: 'refresh_materialized_view.concurrently', title: 'REFRESH MATERIALIZED VIEW CONCURRENTLY', target: 'ExclusiveLock', sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'refresh', transactional: true, doc: DOC.refresh,
    example: { sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY customer_totals' } },
  { id: 'drop_trigger', title: 'DROP TRIGGER', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-droptrigger.html',
    example: { sql: 'DROP TRIGGER orders_touch ON orders' } },
  { id: 'comment_on_table_object', title: 'COMMENT ON CONSTRAINT/TRIGGER/POLICY/RULE', target: 'AccessShareLock', rewrites: false, scans: false, operation: 'none', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-comment.html',
    moreExamples: [{ sql: "COMMENT ON TRIGGER orders_touch ON orders IS 'keeps updated_at'" }],
    example: { sql: "COMMENT ON CONSTRAINT orders_pkey ON orders IS 'one row per order'" } },
  { id: 'comment', title: 'COMMENT ON TABLE/COLUMN/VIEW/INDEX/SEQUENCE', target: SUE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-comment.html',
    moreExamples: [{ sql: "COMMENT ON COLUMN orders.status IS 'lifecycle'" }, { sql: "COMMENT ON INDEX orders_status_idx IS 'by status'" }, { sql: "COMMENT ON MATERIALIZED VIEW customer_totals IS 'per customer'" }],
    example: { sql: "COMMENT ON TABLE orders IS 'customer orders'" } },
  { id: 'lock_table', title: 'LOCK TABLE', target: AE, rewrites: false, scans: false, operation: 'none', transactional: true, doc: DOC.lock,
    note: 'the mode written in the statement (ACCESS EXCLUSIVE when omitted); held to the end of the transaction',
    example: { sql: 'LOCK TABLE orders IN SHARE MODE' } },

  // ───────────── DML ─────────────
  { id: 'insert', title: 'INSERT', target: 'RowExclusiveLock', rewrites: false, scans: false, operation: 'dml', transactional: true, doc: DOC.locking,
    example: { sql: "INSERT INTO audit_log VALUES (1, 'x')" } },
  { id: 'update', title: 'UPDATE', target: 'RowExclusiveLock', sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'dml', transactional: true, doc: DOC.locking,
    note: 'row locks on every updated row block other writers of those rows; large updates bloat the table',
    safeAlternative: 'update in batches of a few thousand rows, each in its own transaction',
    example: { sql: "UPDATE orders SET status = 'paid'" } },
  { id: 'delete', title: 'DELETE', target: 'RowExclusiveLock', sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'dml', transactional: true, doc: DOC.locking,
    safeAlternative: 'delete in batches; keep a copy of what is deleted',
    example: { sql: 'DELETE FROM audit_log' } },
  { id: 'merge', title: 'MERGE', target: 'RowExclusiveLock', sources: 'AccessShareLock', rewrites: false, scans: true, operation: 'dml', transactional: true, doc: DOC.locking, since: 15,
    example: { sql: 'MERGE INTO audit_log a USING orders o ON a.id = o.id WHEN NOT MATCHED THEN INSERT VALUES (o.id, o.status)', minVersion: 15 } },
  { id: 'select', title: 'SELECT', target: 'AccessShareLock', rewrites: false, scans: true, operation: 'scan', transactional: true, doc: DOC.locking,
    example: { sql: 'SELECT count(*) FROM orders' } },

  // ───────────── nothing on tables ─────────────
  { id: 'no_table_lock', title: 'statement that locks no table (CREATE FUNCTION/TYPE/SEQUENCE/SCHEMA/EXTENSION, ALTER TYPE … ADD VALUE, SET, GRANT …)', target: null, rewrites: false, scans: false, operation: 'none', transactional: true, doc: DOC.locking,
    moreExamples: [
      { sql: 'CREATE DOMAIN order_ref AS bigint CHECK (VALUE > 0)' },
      { sql: 'CREATE SEQUENCE invoice_seq' },
      { sql: "CREATE FUNCTION order_label(id bigint) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT ''#'' || id'" },
      { sql: 'ALTER FUNCTION touch() SET search_path = public' },
      { sql: 'ALTER FUNCTION touch() OWNER TO CURRENT_USER' },
      { sql: 'CREATE SCHEMA reporting' },
      { sql: "CREATE TYPE order_pair AS (id bigint, label text)" },
      { sql: 'CREATE TYPE price_range AS RANGE (subtype = numeric)' },
      { sql: "ALTER TYPE order_state ADD VALUE 'refunded'", setup: "CREATE TYPE order_state AS ENUM ('new', 'paid')", teardown: 'DROP TYPE IF EXISTS order_state' },
      { sql: "ALTER TYPE order_state RENAME VALUE 'paid' TO 'settled'", setup: "CREATE TYPE order_state AS ENUM ('new', 'paid')", teardown: 'DROP TYPE IF EXISTS order_state' },
      { sql: 'ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO PUBLIC' },
      { sql: "COMMENT ON FUNCTION touch() IS 'keeps updated_at'" },
      { sql: "SET LOCAL lock_timeout = '2s'" },
      { sql: 'REVOKE ALL ON FUNCTION touch() FROM PUBLIC' },
      { sql: 'CREATE AGGREGATE total_sum (numeric) (sfunc = numeric_add, stype = numeric)' },
      { sql: 'ALTER STATISTICS orders_st SET STATISTICS 200', setup: 'CREATE STATISTICS IF NOT EXISTS orders_st ON status, total FROM orders', teardown: 'DROP STATISTICS IF EXISTS orders_st' },
      { sql: 'ALTER STATISTICS orders_st RENAME TO orders_st2', setup: 'CREATE STATISTICS IF NOT EXISTS orders_st ON status, total FROM orders', teardown: 'DROP STATISTICS IF EXISTS orders_st' },
      { sql: 'DROP FUNCTION spare()', setup: 'CREATE FUNCTION spare() RETURNS int LANGUAGE sql AS \'SELECT 1\'', teardown: 'DROP FUNCTION IF EXISTS spare()' },
    ],
    example: { sql: "CREATE TYPE order_state AS ENUM ('new', 'paid')" } },
  { id: 'create_sql_function', title: 'CREATE FUNCTION … LANGUAGE sql (body checked at creation)', target: null, sources: 'AccessShareLock', rewrites: false, scans: false, operation: 'none', transactional: true, doc: 'https://www.postgresql.org/docs/current/sql-createfunction.html',
    note: 'the body is parsed and checked against the tables it reads (check_function_bodies), which waits only for ACCESS EXCLUSIVE',
    example: { sql: "CREATE FUNCTION open_order_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM orders WHERE status = 'new' $$" } },
  { id: 'unknown', title: 'statement not in the lock table', target: AE, rewrites: false, scans: false, operation: 'catalog', transactional: true, doc: DOC.locking,
    note: 'not in the lock table: ACCESS EXCLUSIVE on every relation it names is assumed' },
];

const BY_ID = new Map(LOCK_RULES.map((r) => [r.id, r]));

export function lockRule(id: string): LockRule {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`unknown lock rule ${id}`);
  return r;
}

/** Whether the rule's behaviour exists on this PostgreSQL major version. */
export function ruleAppliesTo(rule: LockRule, major: number): boolean {
  return (rule.since === undefined || major >= rule.since) && (rule.until === undefined || major <= rule.until);
}
