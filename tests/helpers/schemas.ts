/** The consumers' own schemas (tests/fixtures/schemas, see NOTICE.md) compiled with ajv. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv';
import Ajv04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'schemas');
const load = (name: string) => JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;

/** The OASIS SARIF 2.1.0 schema (draft-04), with formats (uri, uri-reference, date-time) checked. */
export function sarifValidator(): ValidateFunction {
  // unicodeRegExp off: rtm.5's run.language pattern has a stray ']' that only a non-unicode RegExp accepts (errata 01 fixed it)
  const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv as unknown as Ajv);
  return ajv.compile(load('sarif-2.1.0-rtm.5.json'));
}

/** PagerDuty's Events v2 request body schema, out of its OpenAPI document. */
export function pagerDutyEventValidator(): ValidateFunction {
  const doc = load('pagerduty-events-v2.openapiv3.json') as { paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: unknown }> } }>>; components: unknown };
  const body = doc.paths['/enqueue']!.post!.requestBody.content['application/json']!.schema as Record<string, unknown>;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  // OpenAPI's "url" format is a URI
  ajv.addFormat('url', /^https?:\/\/\S+$/);
  return ajv.compile({ ...body, components: doc.components });
}

/** GitLab's Code Quality report (written from GitLab's documentation: see NOTICE.md). */
export function codeQualityValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  return ajv.compile(load('gitlab-code-quality.schema.json'));
}

/** A draft-2020-12 / draft-07 schema of ours (docs/schemas). */
export function validatorFor(schema: object): ValidateFunction {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

export function errorsOf(v: ValidateFunction): string {
  return JSON.stringify(v.errors?.slice(0, 5), null, 1);
}
