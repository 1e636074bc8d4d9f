-- A nullable column without a default: a catalog-only change, no table rewrite.
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '1min';

ALTER TABLE app.projects ADD COLUMN description text;
