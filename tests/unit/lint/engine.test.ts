import { describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src-main/parse';
import { composeRuleSet, lintParsed, toJson, toSarif, summarise } from '../../../src-main/lint';
import { catalog } from './helpers';

const ruleSet = composeRuleSet({ libraries: [], overrides: { 'require-concurrent-index-creation': {} } } as never);

describe('catalog-aware severity', () => {
  it('raises severity on a large table and lowers it on a tiny one', async () => {
    await initParser();
    const file = parseSql('CREATE INDEX i ON orders (a);', 'm.sql');
    const big = lintParsed(file, { ruleSet, catalog: catalog({ 'public.orders': { rows: 5e7, bytes: 8e9 } }) }).findings[0]!;
    const tiny = lintParsed(file, { ruleSet, catalog: catalog({ 'public.orders': { rows: 40, bytes: 16384 } }) }).findings[0]!;
    const none = lintParsed(file, { ruleSet }).findings[0]!;
    expect([tiny.severity, none.severity, big.severity]).toEqual(['warning', 'error', 'critical']);
    expect(big.message).toMatch(/orders \(~50.0M rows, 7.5 GB\)/);
  });
});

describe('output formats', () => {
  it('prints the documented json shape', async () => {
    await initParser();
    const report = summarise([lintParsed(parseSql('CREATE INDEX i ON orders (a);', 'm.sql'), { ruleSet })], ruleSet);
    const json = toJson(report) as { files: { path: string; findings: Record<string, unknown>[] }[]; summary: Record<string, unknown> };
    expect(Object.keys(json.files[0]!.findings[0]!)).toEqual(['rule', 'severity', 'message', 'line', 'column', 'help']);
    expect(json.summary).toMatchObject({ files: 1, statements: 1, failed: true, failOn: 'error' });
  });

  it('produces SARIF 2.1.0 with rules, levels and relative locations', async () => {
    await initParser();
    const report = summarise([lintParsed(parseSql('\nCREATE INDEX i ON orders (a);', `${process.cwd()}/migrations/m.sql`), { ruleSet })], ruleSet);
    const sarif = toSarif(report, '0.1.0') as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    const res = run.results[0]!;
    expect(res).toMatchObject({ ruleId: 'require-concurrent-index-creation', level: 'error' });
    expect(run.tool.driver.rules[res.ruleIndex]!.id).toBe(res.ruleId);
    expect(res.locations[0]!.physicalLocation.artifactLocation.uri).toBe('migrations/m.sql');
    expect(res.locations[0]!.physicalLocation.region.startLine).toBe(2);
  });
});
