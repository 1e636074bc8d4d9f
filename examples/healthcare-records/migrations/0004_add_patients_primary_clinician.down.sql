ALTER TABLE clinic.patients DROP COLUMN primary_clinician;
