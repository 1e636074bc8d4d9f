-- HIPAA 164.312(b): record who read which chart. Append-only for the application role.
SET LOCAL lock_timeout = '3s';

CREATE TABLE clinic.chart_access_audit (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id   bigint NOT NULL REFERENCES clinic.patients (id),
    accessed_by  text NOT NULL,
    purpose      text NOT NULL,
    accessed_at  timestamptz NOT NULL DEFAULT now(),
    retain_until date NOT NULL DEFAULT (current_date + 6 * 365)   -- HIPAA: keep 6 years
);
CREATE INDEX chart_access_audit_patient_id_idx ON clinic.chart_access_audit (patient_id);
REVOKE ALL ON clinic.chart_access_audit FROM PUBLIC;
