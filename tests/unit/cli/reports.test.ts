/** The published JSON Schemas stay in step with the zod contract; Markdown and Code Quality reports. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSchemas, SCHEMAS_DIR } from '../../../scripts/gen-json-schemas';
import { allCommands, commandPath } from '../../../src-main/cli/help';
import { buildProgram } from '../../../src-main/cli/index';
import { CLI_DOCUMENTS } from '../../../src-main/cli/json-schemas';
import { riskMarkdown, type RiskMarkdownInput } from '../../../src-main/cli/markdown';
import { composeRuleSet, lintPaths, mdText, toCodeQuality, toMarkdown, type LintReport } from '../../../src-main/lint';
import type { MigrationRisk } from '../../../src-shared/domain/risk';
import { codeQualityValidator, errorsOf } from '../../helpers/schemas';

let dir: string;
const ruleSet = composeRuleSet({ libraries: [{ name: 'general', version: '^1' }, { name: 'safety', version: '^1' }], overrides: {}, disable: [], conflictPolicy: 'prefer-last', failOn: 'error', compliance: {} } as never);

async function lint(files: Record<string, string>): Promise<LintReport> {
  const paths = Object.entries(files).map(([name, sql]) => {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, sql);
    return p;
  });
  return lintPaths(paths, { ruleSet });
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-reports-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('docs/schemas', () => {
  it('matches the zod contract of src-main/cli/json-schemas.ts (run `npm run docs` when it does not)', () => {
    const files = renderSchemas();
    expect(fs.readdirSync(SCHEMAS_DIR).sort()).toEqual([...files.keys()].sort());
    for (const [name, text] of files) expect(fs.readFileSync(path.join(SCHEMAS_DIR, name), 'utf8'), name).toBe(text);
  });

  it('has a schema for every command that takes --format json', () => {
    // commands whose --format json prints no document of its own (only the error document)
    const noDocument: Record<string, string> = { worker: 'runs until stopped; prints progress on stderr' };
    const printedBy = Object.values(CLI_DOCUMENTS).flatMap((d) => d.commands);
    const takesJson = allCommands(buildProgram(() => undefined))
      .filter((c) => c.options.some((o) => o.long === '--format' && /\bjson\b/.test(o.description)))
      .map(commandPath);
    expect(takesJson).toEqual(expect.arrayContaining(['drift', 'baseline', 'down draft', 'rollout plan', 'rollout start', 'rollout status', 'rollout abort', 'status', 'lint']));
    const missing = takesJson.filter((p) => !(p in noDocument) && !printedBy.some((c) => c === p || c.startsWith(`${p} `)));
    expect(missing, 'add a schema to src-main/cli/json-schemas.ts CLI_DOCUMENTS').toEqual([]);
  });
});

describe('GitLab Code Quality report', () => {
  it('validates against the report format of GitLab, with relative paths and distinct fingerprints', async () => {
    const report = await lint({ 'db/0001_a.up.sql': 'CREATE INDEX i ON orders (a);\nCREATE INDEX i ON orders (a);\n', 'db/0002_b.up.sql': 'ALTER TABLE orders ADD COLUM x int;' });
    const cq = toCodeQuality(report, { root: dir }) as { fingerprint: string; location: { path: string; lines: { begin: number } }; check_name: string; severity: string }[];
    const validate = codeQualityValidator();
    expect(validate(cq), errorsOf(validate)).toBe(true);
    expect(cq.length).toBeGreaterThan(2);
    expect(new Set(cq.map((i) => i.fingerprint)).size).toBe(cq.length);
    expect(cq.map((i) => i.location.path)).toContain('db/0001_a.up.sql');
    expect(cq.find((i) => i.check_name === 'parse-error')).toMatchObject({ severity: 'major', location: { path: 'db/0002_b.up.sql' } });
  });

  it('leaves suppressed findings out', async () => {
    const report = await lint({ 's.sql': '-- confiture-ignore require-concurrent-index-creation: empty table\nCREATE INDEX i ON orders (a);\n' });
    const cq = toCodeQuality(report, { root: dir }) as { check_name: string }[];
    expect(cq.map((i) => i.check_name)).not.toContain('require-concurrent-index-creation');
  });
});

describe('lint Markdown report', () => {
  it('renders a table of findings with links to the rules, and folds suppressed ones away', async () => {
    const report = await lint({ 'm/0001_x.up.sql': 'CREATE INDEX i ON orders (a);\n-- confiture-ignore ban-drop-table: <archived> | obsolete\nDROP TABLE old_orders;\n' });
    const md = toMarkdown(report, { root: dir });
    expect(md).toMatch(/^### Lint: ❌ failed \(fail-on error\)/);
    expect(md).toContain('| severity | where | rule | finding | instead |');
    expect(md).toContain('`m/0001_x.up.sql:1`');
    expect(md).toContain('[require-concurrent-index-creation](https://github.com/confiture/confiture-desktop/blob/main/docs/reference/rules.md#require-concurrent-index-creation)');
    expect(md).toContain('<details><summary>1 suppressed finding</summary>');
    // user text cannot break the table or inject HTML
    expect(md).toContain('&lt;archived&gt; \\| obsolete');
    for (const line of md.split('\n').filter((l) => l.startsWith('| '))) expect(line.split(/(?<!\\)\|/).length, line).toBe(7);
  });

  it('escapes Markdown and HTML in cells', () => {
    expect(mdText('a|b <script>*x*\nc')).toBe('a\\|b &lt;script&gt;\\*x\\*<br>c');
  });
});

function migrationRisk(version: string, level: MigrationRisk['level'], score: number): MigrationRisk {
  return {
    version,
    name: `m${version}`,
    score,
    level,
    interval: [score - 5, score + 10],
    blockingWindowMs: { estimate: 2100, low: 10, high: 65_000 },
    factors: [{ name: 'lock_impact', value: 1, weight: 0.2, contribution: 20, low: 1, high: 1, explanation: 'AccessExclusiveLock on shop.orders blocks reads + writes' }],
    statements: [
      {
        index: 0,
        line: 3,
        kind: 'alter_table',
        score,
        level,
        locks: [{ relation: 'shop.orders', mode: 'AccessExclusiveLock', existing: true }],
        rewrites: true,
        scans: true,
        blocks: { reads: true, writes: true, ddl: true },
        durationMs: { estimate: 2000, low: 10, high: 60_000, basis: 'size' },
        blockingWindowMs: { estimate: 2100, low: 10, high: 65_000, basis: 'size' },
        safeAlternative: 'add the column without a default, then backfill in batches',
      },
    ],
    floors: [],
    inputs: {},
    checksum: 'c',
    hash: 'h',
  } as unknown as MigrationRisk;
}

describe('risk Markdown report', () => {
  const input = (approvalState: 'missing' | 'approved'): RiskMarkdownInput => ({
    connection: 'postgres://ci@staging/shop',
    pgVersion: 16,
    maxRisk: null,
    exceeded: [],
    requireApprovalAbove: 'low',
    migrations: [
      { ...migrationRisk('0007', 'high', 71), approval: { required: true, state: approvalState, reason: approvalState === 'missing' ? '0007 has not been approved' : 'approved by alice' } },
      { ...migrationRisk('0008', 'low', 12), approval: { required: false, state: 'missing', reason: '0008 has not been approved' } },
    ],
  });

  it('shows level, score interval, blocking window with its 90 % interval, locks and the approvals still needed', () => {
    const md = riskMarkdown(input('missing'));
    expect(md).toContain('| `0007 m0007` | 🟠 high | 71.0 [66–81] | ~2.1 s (10 ms–65 s) | ❗ needed (missing) |');
    expect(md).toContain('| `0008 m0008` | 🟢 low | 12.0 [7–22] | ~2.1 s (10 ms–65 s) | — |');
    expect(md).toContain('| 3 | alter\\_table | AccessExclusiveLock on shop.orders | yes | yes | reads, writes |');
    expect(md).toContain('**Approvals still needed**');
    expect(md).toContain('`confiture approve 0007 --by NAME --comment "…"`');
    expect(md).not.toContain('approve 0008');
  });

  it('says no approval is needed once it is recorded', () => {
    const md = riskMarkdown(input('approved'));
    expect(md).toContain('✅ approved');
    expect(md).not.toContain('Approvals still needed');
  });
});
