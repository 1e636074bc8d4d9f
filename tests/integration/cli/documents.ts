/**
 * Checks a `--format json` document printed by a real CLI run against its published schema
 * (docs/schemas/<name>.json, read from disk: what users download).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { errorsOf, validatorFor } from '../../helpers/schemas';
import { repo, type CliRun } from './run-cli';

const schemasDir = path.join(repo, 'docs', 'schemas');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema | Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

export function schemaFile(name: string): Schema {
  return JSON.parse(fs.readFileSync(path.join(schemasDir, `${name}.json`), 'utf8')) as Schema;
}

const typeOf = (v: Json): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
const accepts = (s: Schema, v: Json): boolean => {
  if (s.type === undefined) return true;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  const t = typeOf(v);
  return types.includes(t) || (t === 'integer' && types.includes('number'));
};

/**
 * The paths of fields present in `value` that its schema does not declare. The schemas' objects
 * are open (a newer version may add fields), so ajv accepts them; our own output must not print
 * a field its published schema leaves out.
 */
export function undeclaredFields(value: Json, schema: Schema, at = '$'): string[] {
  // a union: the value is declared when one of the branches of its type declares all of it
  const branches = [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].filter((b) => accepts(b, value));
  if (branches.length) return branches.map((b) => undeclaredFields(value, b, at)).reduce((a, b) => (b.length < a.length ? b : a));
  if (Array.isArray(value)) {
    if (Array.isArray(schema.items)) return value.flatMap((v, i) => (schema.items as Schema[])[i] ? undeclaredFields(v, (schema.items as Schema[])[i]!, `${at}[${i}]`) : []);
    return schema.items ? value.flatMap((v, i) => undeclaredFields(v, schema.items as Schema, `${at}[${i}]`)) : [];
  }
  if (value === null || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = schema.properties?.[k];
    if (p) out.push(...undeclaredFields(v, p, `${at}.${k}`));
    // an open object (additionalProperties: {}) with declared properties: the key is not one of them
    else if (schema.properties) out.push(`${at}.${k}`);
    // a record
    else if (typeof schema.additionalProperties === 'object') out.push(...undeclaredFields(v, schema.additionalProperties, `${at}.${k}`));
  }
  return out;
}

/**
 * Expects the exit code, `"schemaVersion": 1` first, a document valid for docs/schemas/<name>.json
 * with no field the schema does not declare, and that the schema is not vacuous for it: renaming
 * any required top-level field of this very document makes it invalid.
 */
export function expectDocument(name: string, r: CliRun, code = 0): Record<string, unknown> {
  expect(r.code, `${name}: ${r.stderr}`).toBe(code);
  const doc = JSON.parse(r.stdout) as Record<string, Json>;
  expect(Object.keys(doc)[0]).toBe('schemaVersion');
  expect(doc.schemaVersion).toBe(1);
  const schema = schemaFile(name);
  const validate = validatorFor(schema);
  expect(validate(doc), `${name}: ${errorsOf(validate)}`).toBe(true);
  expect(undeclaredFields(doc, schema), `${name}: fields missing from docs/schemas/${name}.json`).toEqual([]);
  const required = schema.required ?? [];
  expect(required).toContain('schemaVersion');
  for (const k of required) {
    const { [k]: v, ...rest } = doc;
    expect(validate({ ...rest, [`${k}_renamed`]: v }), `${name}: renaming "${k}" must be a schema violation`).toBe(false);
  }
  return doc;
}
