import { beforeAll, describe, expect, it } from 'vitest';
import { parseMigrationFile, runLockKey } from '../../../src-main/engine';
import { planMigration } from '../../../src-main/engine/plan';
import { EngineConfigSchema } from '../../../src-main/engine/config';
import { initParser } from '../../../src-main/parse';

beforeAll(async () => {
  await initParser();
});

const file = { version: '0003', name: 'x', upPath: '/p/0003_x.up.sql', downPath: null, checksum: 'c', downChecksum: null, sizeBytes: 1 };
const config = EngineConfigSchema.parse({});

describe('planning a migration', () => {
  it('runs a file with CREATE INDEX CONCURRENTLY outside a transaction and says why', () => {
    const parsed = parseMigrationFile(file.upPath, 'ALTER TABLE t ADD COLUMN c int;\nCREATE INDEX CONCURRENTLY t_c ON s.t (c);');
    const m = planMigration(file, 'up', file.upPath, 'c', parsed, config);
    expect(m.transaction).toBe('none');
    expect(m.transactionReason).toMatch(/line 2: create_index cannot run inside a transaction block/);
    expect(m.statements[1]).toMatchObject({ transactional: false, indexName: '"s"."t_c"', line: 2 });
  });

  it('keeps a plain file in one transaction with the configured timeouts, overridden by the header', () => {
    const plain = planMigration(file, 'up', file.upPath, 'c', parseMigrationFile(file.upPath, 'CREATE TABLE a (id int);'), config);
    expect(plain).toMatchObject({ transaction: 'transaction', lockTimeoutMs: 5000, statementTimeoutMs: 0 });
    const header = planMigration(file, 'up', file.upPath, 'c', parseMigrationFile(file.upPath, '-- confiture: lock_timeout=2s statement_timeout=5min\nCREATE TABLE a (id int);'), config);
    expect(header).toMatchObject({ lockTimeoutMs: 2000, statementTimeoutMs: 300_000 });
    const noTx = planMigration(file, 'up', file.upPath, 'c', parseMigrationFile(file.upPath, '-- confiture: no-transaction\nCREATE TABLE a (id int);'), config);
    expect(noTx.transaction).toBe('none');
  });

  it('rejects a file that commits on its own, naming the line', () => {
    expect(() => parseMigrationFile(file.upPath, 'CREATE TABLE a (id int);\nCOMMIT;')).toThrow(expect.objectContaining({ code: 'parse_error', where: expect.objectContaining({ line: 2 }) }));
  });

  it('rejects malformed SQL with line and column', () => {
    expect(() => parseMigrationFile(file.upPath, 'CREATE TABLE a (id int);\nALTER TABLE a ADD COLUMN;')).toThrow(expect.objectContaining({ code: 'parse_error', where: expect.objectContaining({ line: 2 }) }));
  });
});

describe('run lock key', () => {
  it('is a stable positive 31-bit number per tracking schema', () => {
    expect(runLockKey('confiture')).toBe(runLockKey('confiture'));
    expect(runLockKey('confiture')).not.toBe(runLockKey('other'));
    expect(runLockKey('confiture')).toBeGreaterThanOrEqual(0);
    expect(runLockKey('confiture')).toBeLessThan(2 ** 31);
  });
});
