import { describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src-main/parse';
import { lintParsed, summarise, defaultRuleSet } from '../../../src-main/lint';

async function lint(sql: string) {
  await initParser();
  return lintParsed(parseSql(sql, 'm.sql')).findings;
}

describe('suppressions', () => {
  it('reports a suppressed finding as suppressed, with its reason', async () => {
    const f = await lint('-- confiture-ignore require-concurrent-index-creation: 40-row lookup table\nCREATE INDEX i ON t (a);');
    const hit = f.find((x) => x.rule === 'require-concurrent-index-creation')!;
    expect(hit.suppressed).toEqual({ via: 'confiture-ignore', reason: '40-row lookup table', line: 1 });
  });

  it('suppresses only the next statement', async () => {
    const f = await lint('-- confiture-ignore require-concurrent-index-creation: small\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON t (b);');
    const hits = f.filter((x) => x.rule === 'require-concurrent-index-creation');
    expect(hits.map((h) => !!h.suppressed)).toEqual([true, false]);
  });

  it('suppresses a rule for the whole file', async () => {
    const f = await lint('-- confiture-ignore-file require-concurrent-index-creation: all tables are new partitions\nCREATE INDEX i ON t (a);\nCREATE INDEX j ON u (b);');
    expect(f.filter((x) => x.rule === 'require-concurrent-index-creation').every((h) => h.suppressed)).toBe(true);
  });

  it('does not apply a suppression without a reason, and says so', async () => {
    const f = await lint('-- confiture-ignore require-concurrent-index-creation\nCREATE INDEX i ON t (a);');
    expect(f.find((x) => x.rule === 'require-concurrent-index-creation')!.suppressed).toBeUndefined();
    expect(f.find((x) => x.rule === 'invalid-suppression')!.message).toMatch(/gives no reason/);
  });

  it('honours squawk-ignore through the equivalents map', async () => {
    const f = await lint('-- squawk-ignore prefer-bigint-over-int\nCREATE TABLE t (n int);');
    expect(f.find((x) => x.rule === 'prefer-bigint-over-int')!.suppressed?.via).toBe('squawk-ignore');
  });

  it('flags squawk rule names it cannot map', async () => {
    const f = await lint('-- squawk-ignore no-such-squawk-rule\nCREATE TABLE t (n bigint);');
    expect(f.find((x) => x.rule === 'invalid-suppression')!.message).toMatch(/no-such-squawk-rule/);
  });

  it('counts suppressed findings apart and does not fail on them', async () => {
    await initParser();
    const r = lintParsed(parseSql('-- confiture-ignore-file require-concurrent-index-creation: maintenance window\nSET lock_timeout = 1000;\nSET statement_timeout = 1000;\nCREATE INDEX i ON t (a);', 'm.sql'));
    const report = summarise([r], defaultRuleSet());
    expect(report.summary.suppressed).toBe(1);
    expect(report.summary.failed).toBe(false);
  });
});
