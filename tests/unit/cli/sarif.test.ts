/** SARIF 2.1.0 as code scanning consumes it: validated by ajv against the official OASIS schema. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSqlFiles, composeRuleSet, lintPaths, type LintReport } from '../../../src-main/lint';
import { toSarif } from '../../../src-main/lint';
import { RULES_DOC } from '../../../scripts/gen-rules-doc';
import { errorsOf, sarifValidator } from '../../helpers/schemas';

interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification?: string }[];
}
interface SarifRule {
  id: string;
  helpUri: string;
  properties: { tags: string[]; 'security-severity'?: string };
}
interface SarifLog {
  runs: { tool: { driver: { rules: SarifRule[] } }; invocations: { executionSuccessful: boolean; exitCode: number }[]; results: SarifResult[]; originalUriBaseIds?: unknown }[];
}

const validate = sarifValidator();
const demo = path.resolve('resources/demo/migrations');
let dir: string;

async function lint(files: string[], libraries: { name: string; version: string }[] = [{ name: 'general', version: '^1' }, { name: 'safety', version: '^1' }, { name: 'hipaa', version: '^1' }]): Promise<LintReport> {
  const ruleSet = composeRuleSet({ libraries, overrides: {}, disable: [], conflictPolicy: 'prefer-last', failOn: 'error', compliance: {} } as never);
  return lintPaths(files, { ruleSet });
}

const sarifOf = (report: LintReport, root = dir, exitCode?: number) => toSarif(report, '1.2.3', { root, ...(exitCode !== undefined ? { exitCode } : {}) }) as SarifLog;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture sarif '));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('SARIF output', () => {
  it('validates against the OASIS SARIF 2.1.0 schema for the whole demo project', async () => {
    const report = await lint(collectSqlFiles([demo]));
    const sarif = sarifOf(report, path.resolve('.'));
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(20);
    expect(validate(sarif), errorsOf(validate)).toBe(true);
  });

  it('lists each tag of a rule once, even when two versions of a library include it', async () => {
    const sarif = sarifOf(await lint([]));
    for (const r of sarif.runs[0]!.tool.driver.rules) expect(new Set(r.properties.tags).size, r.id).toBe(r.properties.tags.length);
    expect(validate(sarif), errorsOf(validate)).toBe(true);
  });

  it('gives security-severity only to rules tagged security', async () => {
    const rules = sarifOf(await lint([])).runs[0]!.tool.driver.rules;
    const security = rules.filter((r) => r.properties.tags.includes('security'));
    expect(security.map((r) => r.id)).toEqual(expect.arrayContaining(['grant-to-public', 'security-definer-search-path']));
    for (const r of rules) expect('security-severity' in r.properties, r.id).toBe(r.properties.tags.includes('security'));
  });

  it('points every rule at its own section of the rules reference', async () => {
    const doc = fs.readFileSync(RULES_DOC, 'utf8');
    for (const r of sarifOf(await lint([])).runs[0]!.tool.driver.rules) {
      expect(r.helpUri).toBe(`https://github.com/confiture/confiture-desktop/blob/main/docs/reference/rules.md#${r.id}`);
      expect(doc).toContain(`\n## ${r.id}\n`);
    }
  });

  it('keeps the help out of the message text', async () => {
    const f = path.join(dir, 'a.sql');
    fs.writeFileSync(f, 'CREATE INDEX i ON orders (a);\n');
    const report = await lint([f]);
    const res = sarifOf(report).runs[0]!.results.find((r) => r.ruleId === 'require-concurrent-index-creation')!;
    const finding = report.files[0]!.findings.find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect(res.message.text).toBe(finding.message);
    expect(res.message.text).not.toContain(finding.help);
  });

  it('gives the same finding on two identical statements two fingerprints, stable when lines are added above', async () => {
    const f = path.join(dir, 'twice.sql');
    const body = 'CREATE INDEX i1 ON orders (a);\nSELECT 1;\nCREATE INDEX i1 ON orders (a);\n';
    fs.writeFileSync(f, body);
    const before = sarifOf(await lint([f])).runs[0]!.results.filter((r) => r.ruleId === 'require-concurrent-index-creation');
    expect(before).toHaveLength(2);
    const [a, b] = before.map((r) => r.partialFingerprints['confitureFinding/v1']);
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect(a).not.toBe(b);
    fs.writeFileSync(f, `-- an unrelated comment\nSELECT 2;\n\n${body}`);
    const after = sarifOf(await lint([f])).runs[0]!.results.filter((r) => r.ruleId === 'require-concurrent-index-creation');
    expect(after.map((r) => r.locations[0]!.physicalLocation.region.startLine)).toEqual([4, 6]);
    expect(after.map((r) => r.partialFingerprints['confitureFinding/v1'])).toEqual([a, b]);
  });

  it('gives every finding of a project a distinct fingerprint', async () => {
    const results = sarifOf(await lint(collectSqlFiles([demo])), path.resolve('.')).runs[0]!.results;
    const prints = results.map((r) => r.partialFingerprints['confitureFinding/v1']);
    expect(new Set(prints).size).toBe(prints.length);
  });

  it('writes URIs relative to the SARIF root, never a path of this machine', async () => {
    const sub = path.join(dir, 'db', 'migrations');
    fs.mkdirSync(sub, { recursive: true });
    const f = path.join(sub, '0001 add index.up.sql');
    fs.writeFileSync(f, 'CREATE INDEX i ON orders (a);\n');
    const sarif = sarifOf(await lint([f]));
    const loc = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation;
    expect(loc).toEqual({ uri: 'db/migrations/0001%20add%20index.up.sql', uriBaseId: '%SRCROOT%' });
    expect(JSON.stringify(sarif)).not.toContain(dir);
    expect(sarif.runs[0]!.originalUriBaseIds).toBeUndefined();
    expect(validate(sarif), errorsOf(validate)).toBe(true);
  });

  it('records the exit code in invocations', async () => {
    const f = path.join(dir, 'exit.sql');
    fs.writeFileSync(f, 'CREATE INDEX i ON orders (a);\n');
    const report = await lint([f]);
    expect(sarifOf(report).runs[0]!.invocations).toEqual([expect.objectContaining({ executionSuccessful: true, exitCode: 1 })]);
    const parseFailed = sarifOf(report, dir, 2);
    expect(parseFailed.runs[0]!.invocations[0]).toMatchObject({ executionSuccessful: false, exitCode: 2 });
    expect(validate(parseFailed), errorsOf(validate)).toBe(true);
  });

  it('marks a suppressed finding with an in-source suppression and its reason', async () => {
    const f = path.join(dir, 'suppressed.sql');
    fs.writeFileSync(f, '-- confiture-ignore require-concurrent-index-creation: the table is empty at release time\nCREATE INDEX i ON orders (a);\n');
    const sarif = sarifOf(await lint([f]));
    const res = sarif.runs[0]!.results.find((r) => r.ruleId === 'require-concurrent-index-creation')!;
    expect(res.suppressions).toEqual([expect.objectContaining({ kind: 'inSource', justification: expect.stringContaining('the table is empty at release time') })]);
    expect(validate(sarif), errorsOf(validate)).toBe(true);
  });
});
