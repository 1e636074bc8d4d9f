import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("sensitive-table-without-access-control", () => {
  it("flags a PHI table without RLS or revoked grants", async () => {
    const f = await findings("sensitive-table-without-access-control", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/ROW LEVEL SECURITY/);
  });

  it("flags a PHI table granted to PUBLIC", async () => {
    const f = await findings("sensitive-table-without-access-control", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);\nALTER TABLE patients ENABLE ROW LEVEL SECURITY;\nGRANT SELECT ON patients TO PUBLIC;", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/granted to PUBLIC/);
  });

  it("accepts a PHI table with row level security", async () => {
    expect(await findings("sensitive-table-without-access-control", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);\nALTER TABLE patients ENABLE ROW LEVEL SECURITY;", { libraries: ['hipaa'] })).toEqual([]);
  });

  it("accepts privileges revoked from PUBLIC and granted to a named role", async () => {
    expect(await findings("sensitive-table-without-access-control", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);\nREVOKE ALL ON patients FROM PUBLIC;\nGRANT SELECT ON patients TO clinician_app;", { libraries: ['hipaa'] })).toEqual([]);
  });
});
