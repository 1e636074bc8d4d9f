import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("sensitive-column-unprotected", () => {
  it("flags a PHI-looking text column", async () => {
    const f = await findings("sensitive-column-unprotected", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn text);", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PHI/);
  });

  it("accepts an encrypted bytea column", async () => {
    expect(await findings("sensitive-column-unprotected", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn bytea);", { libraries: ['hipaa'] })).toEqual([]);
  });

  it("accepts a column classified by comment", async () => {
    expect(await findings("sensitive-column-unprotected", "CREATE TABLE patients (id bigint PRIMARY KEY, ssn text);\nCOMMENT ON COLUMN patients.ssn IS 'classification: PHI; encrypted by the application';", { libraries: ['hipaa'] })).toEqual([]);
  });

  it("flags a column labelled PHI in its comment", async () => {
    const f = await findings("sensitive-column-unprotected", "CREATE TABLE visits (id bigint PRIMARY KEY, notes text);\nCOMMENT ON COLUMN visits.notes IS 'free-text PHI from clinicians';", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/comment is labelled/);
  });

  it("accepts a domain over bytea", async () => {
    expect(await findings("sensitive-column-unprotected", "CREATE DOMAIN encrypted_text AS bytea;\nCREATE TABLE cards (id bigint PRIMARY KEY, card_number encrypted_text);", { libraries: ['pci-dss'] })).toEqual([]);
  });

  it("flags a GDPR email column", async () => {
    const f = await findings("sensitive-column-unprotected", "CREATE TABLE users (id bigint PRIMARY KEY, email text);", { libraries: ['gdpr'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/PII/);
  });
});
