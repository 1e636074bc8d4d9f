-- Encounters: the clinical notes are PHI, encrypted by the application.
SET LOCAL lock_timeout = '3s';

CREATE TABLE clinic.encounters (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   bigint NOT NULL REFERENCES clinic.patients (id),
    started_at   timestamptz NOT NULL,
    notes        clinic.phi_ciphertext,
    retain_until date NOT NULL DEFAULT (current_date + 6 * 365)
);
CREATE INDEX encounters_patient_id_idx ON clinic.encounters (patient_id);
REVOKE ALL ON clinic.encounters FROM PUBLIC;
ALTER TABLE clinic.encounters ENABLE ROW LEVEL SECURITY;
