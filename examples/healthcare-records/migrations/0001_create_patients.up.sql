-- Patients. Identifiers that are PHI are stored encrypted by the application: the domain
-- phi_ciphertext (bytea) marks them, and the hipaa library accepts it as protection.
SET LOCAL lock_timeout = '3s';

CREATE SCHEMA clinic;
CREATE DOMAIN clinic.phi_ciphertext AS bytea;

CREATE TABLE clinic.patients (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mrn            text NOT NULL UNIQUE,
    ssn            clinic.phi_ciphertext,
    date_of_birth  clinic.phi_ciphertext NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    retain_until   date NOT NULL DEFAULT (current_date + 6 * 365)
);
COMMENT ON COLUMN clinic.patients.mrn IS 'classification: PHI (HIPAA identifier); medical record number, pseudonymous';
REVOKE ALL ON clinic.patients FROM PUBLIC;
ALTER TABLE clinic.patients ENABLE ROW LEVEL SECURITY;
