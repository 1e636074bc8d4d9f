-- Each patient gets a primary clinician. NOT NULL with a constant default is a catalog-only
-- change on PostgreSQL 11+ (no rewrite), but it takes ACCESS EXCLUSIVE on patients for an instant.
SET LOCAL lock_timeout = '3s';
SET LOCAL statement_timeout = '1min';

ALTER TABLE clinic.patients ADD COLUMN primary_clinician text NOT NULL DEFAULT 'unassigned';
