/** An empty or comment-only migration file is a valid no-op: applied, recorded, reverted (issue 10). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../../src-main/engine';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { engineProject, urlTarget } from './helpers';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('cf_empty');
});
afterAll(async () => {
  await db.drop();
});

describe('empty migration files', () => {
  it('applies and reverts an empty or comment-only migration as a recorded no-op', async () => {
    const p = engineProject({
      '0001_a.up.sql': 'CREATE TABLE a (id int);',
      '0001_a.down.sql': 'DROP TABLE a;',
      '0002_placeholder.up.sql': '',
      '0002_placeholder.down.sql': '  \n',
      '0003_note.up.sql': '-- nothing to do any more: reverted upstream\n',
      '0003_note.down.sql': '/* nothing */\n',
    });
    const project = p.open();
    expect(project.problems.filter((x) => x.severity === 'error')).toEqual([]);
    const up = await runMigrations(project, urlTarget(db.url), { kind: 'up' });
    expect(up.error).toBeUndefined();
    expect(up.migrations.map((m) => [m.version, m.outcome])).toEqual([
      ['0001', 'applied'],
      ['0002', 'applied'],
      ['0003', 'applied'],
    ]);
    const applied = await db.pool.query('SELECT version FROM confiture.applied_migrations ORDER BY version');
    expect(applied.rows.map((r) => r.version)).toEqual(['0001', '0002', '0003']);
    const down = await runMigrations(p.open(), urlTarget(db.url), { kind: 'down', steps: 2 });
    expect(down.error).toBeUndefined();
    expect(down.migrations.map((m) => [m.version, m.outcome])).toEqual([
      ['0003', 'reverted'],
      ['0002', 'reverted'],
    ]);
    const left = await db.pool.query('SELECT version FROM confiture.applied_migrations ORDER BY version');
    expect(left.rows.map((r) => r.version)).toEqual(['0001']);
  });
});
