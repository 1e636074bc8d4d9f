ALTER TABLE app.projects DROP COLUMN description;
