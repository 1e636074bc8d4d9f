/**
 * Lint asks the locks service, with the same plan state as locks and risk (issue 10): a proof
 * from an earlier pending migration (0014's VALIDATE) clears a later SET NOT NULL (0015), and
 * every lock of a statement (not only its target's) reaches the timeout and FK messages.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src-main/parse';
import { composeRuleSet, lintParsed, lintProject } from '../../../src-main/lint';
import { newPlanChecks } from '../../../src-main/locks';
import { openValidProject } from '../../../src-main/project';
import { reviewProject } from '../../../src-main/review';
import { findings } from './helpers';

const DEMO = path.resolve(__dirname, '../../../resources/demo');

beforeAll(async () => {
  await initParser();
});

describe('plan-aware lint', () => {
  it('does not flag the demo 0015 SET NOT NULL proven by 0014, and flags it alone', async () => {
    const report = await lintProject(DEMO);
    const f0015 = report.files.find((f) => f.path.includes('0015_'))!;
    expect(f0015.findings.filter((f) => f.rule === 'adding-not-nullable-field')).toEqual([]);
    // the same file linted on its own (no plan): the proof is not known, the scan is reported
    const alone = await findings('adding-not-nullable-field', 'ALTER TABLE shop.customers ALTER COLUMN country_code SET NOT NULL;');
    expect(alone).toHaveLength(1);
  }, 60_000);

  it('shares one plan object across files: a CHECK validated in one file proves the next file', () => {
    const ruleSet = composeRuleSet({ libraries: [], overrides: { 'adding-not-nullable-field': {} } } as never);
    const plan = newPlanChecks();
    lintParsed(parseSql('ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL) NOT VALID;', '1.sql'), { ruleSet, plan, pgVersion: 15 });
    lintParsed(parseSql('ALTER TABLE t VALIDATE CONSTRAINT t_c_nn;', '2.sql'), { ruleSet, plan, pgVersion: 15 });
    expect(lintParsed(parseSql('ALTER TABLE t ALTER COLUMN c SET NOT NULL;', '3.sql'), { ruleSet, plan, pgVersion: 15 }).findings).toEqual([]);
    // before PostgreSQL 12 the proof does not help
    const old = newPlanChecks();
    lintParsed(parseSql('ALTER TABLE t ADD CONSTRAINT t_c_nn CHECK (c IS NOT NULL);', '1.sql'), { ruleSet, plan: old, pgVersion: 11 });
    expect(lintParsed(parseSql('ALTER TABLE t ALTER COLUMN c SET NOT NULL;', '3.sql'), { ruleSet, plan: old, pgVersion: 11 }).findings).toHaveLength(1);
  });

  it('ranks the demo 0015 below the dangerous 0005 and 0010 with lint findings in the score', async () => {
    const report = await reviewProject(openValidProject(DEMO), null);
    const m = (v: string) => report.migrations.find((x) => x.version === v)!;
    expect(m('0015').factors.find((f) => f.name === 'findings')!.explanation).toMatch(/, 0 error\(s\)/);
    expect(m('0015').score).toBeLessThan(m('0005').score);
    expect(m('0015').score).toBeLessThan(m('0010').score);
  }, 60_000);
});

describe('lint reads every lock a statement takes', () => {
  it('names the referenced table of a foreign key in the timeout message', async () => {
    const f = await findings('require-lock-timeout', 'ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;');
    expect(f[0]!.message).toContain('ShareRowExclusiveLock on orders');
    expect(f[0]!.message).toContain('ShareRowExclusiveLock on customers');
  });

  it('requires a lock_timeout when a new table references an existing one', async () => {
    const f = await findings('require-lock-timeout', 'CREATE TABLE refunds (id bigint, order_id bigint REFERENCES orders (id));');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('ShareRowExclusiveLock on orders');
    // ...but not when the referenced table is created earlier in the same file
    expect(await findings('require-lock-timeout', 'CREATE TABLE orders (id bigint primary key);\nCREATE TABLE refunds (id bigint, order_id bigint REFERENCES orders (id));')).toEqual([]);
  });

  it('says "the table of index X" for DROP INDEX without a catalog', async () => {
    const f = await findings('require-lock-timeout', 'DROP INDEX orders_status_idx;');
    expect(f[0]!.message).toContain('AccessExclusiveLock on (table of index orders_status_idx)');
  });

  it('flags a slow statement while AccessExclusiveLock is held on another table of the transaction', async () => {
    const f = await findings('statement-after-access-exclusive', 'ALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX customers_email_idx ON customers (email);');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('AccessExclusiveLock on orders');
  });

  it('takes the lock mode of a message from the locks service', async () => {
    const f = await findings('require-concurrent-index-creation', 'CREATE INDEX i ON orders (a);');
    expect(f[0]!.message).toContain('takes ShareLock on orders');
  });
});

describe('lint target version', () => {
  it('follows the connected server unless lint.pgVersion pins another', () => {
    const server = { value: 18, source: 'server' as const };
    expect(composeRuleSet(undefined, { pgVersion: server }).pgVersion).toBe(18);
    const pinned = composeRuleSet({ pgVersion: 14 } as never, { pgVersion: server });
    expect(pinned.pgVersion).toBe(14);
    expect(pinned.effective.pgVersionSource.label).toContain('pinned; the connected server is PostgreSQL 18');
    expect(composeRuleSet({ pgVersion: 14 } as never, { pgVersion: { value: 16, source: 'cli' } }).pgVersion).toBe(16);
    expect(composeRuleSet(undefined).pgVersion).toBe(15);
  });
});
