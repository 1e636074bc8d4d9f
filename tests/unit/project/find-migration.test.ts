/**
 * findMigration looks versions up through an index built once per migrations list (issue 12
 * point 4: the linear search made approval/list and the review quadratic). What the callers rely
 * on: canonical versions match (0007 is 7), the first of equal versions wins, a list changed after
 * a lookup is answered from its current content, and a bad or unknown version is refused by name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { findMigration, openProject, type Project } from '../../../src-main/project';
import { makeProject, type TempProject } from '../../helpers/project';

let projects: TempProject[] = [];
function open(files: Record<string, string>): Project {
  const p = makeProject(files);
  projects.push(p);
  return openProject(p.dir);
}
afterEach(() => {
  for (const p of projects) p.remove();
  projects = [];
});

describe('findMigration', () => {
  it('finds a migration by its version in any zero-padded or dotted spelling', () => {
    const p = open({ '0007_a.up.sql': 'SELECT 7;', '1.02_b.up.sql': 'SELECT 1;', '0010_c.up.sql': 'SELECT 10;' });
    expect(findMigration(p, '7').name).toBe('a');
    expect(findMigration(p, '0007').name).toBe('a');
    expect(findMigration(p, '1.2').name).toBe('b');
    expect(findMigration(p, '01.002').name).toBe('b');
    expect(findMigration(p, '10').version).toBe('0010');
  });

  it('refuses an unknown version and a string that is not a version, naming the field', () => {
    const p = open({ '0001_a.up.sql': 'SELECT 1;' });
    expect(() => findMigration(p, '2')).toThrow(/No migration with version 2/);
    expect(() => findMigration(p, '1; DROP')).toThrow(/is not a migration version/);
    expect(() => findMigration(p, '3')).toThrow(expect.objectContaining({ code: 'not_found', where: { field: 'version' } }));
    expect(() => findMigration(p, 'x')).toThrow(expect.objectContaining({ code: 'invalid_input', where: { field: 'version' } }));
  });

  it('answers from the list as it is now when it changed after a lookup', () => {
    const p = open({ '0001_a.up.sql': 'SELECT 1;', '0002_b.up.sql': 'SELECT 2;' });
    expect(findMigration(p, '2').name).toBe('b');
    expect(() => findMigration(p, '3')).toThrow(/No migration with version 3/);
    // appended
    const third = { ...p.migrations[1]!, version: '0003', name: 'c' };
    p.migrations.push(third);
    expect(findMigration(p, '3')).toBe(third);
    // replaced in place
    const other = { ...p.migrations[1]!, name: 'b2' };
    p.migrations[1] = other;
    expect(findMigration(p, '0002')).toBe(other);
    // replaced in place by another version
    const ninth = { ...p.migrations[0]!, version: '0009', name: 'i' };
    const first = p.migrations[0]!;
    p.migrations[0] = ninth;
    expect(findMigration(p, '9')).toBe(ninth);
    expect(() => findMigration(p, '1')).toThrow(/No migration with version 1/);
    p.migrations[0] = first;
    expect(findMigration(p, '1')).toBe(first);
    // removed
    p.migrations.splice(0, 1);
    expect(() => findMigration(p, '1')).toThrow(/No migration with version 1/);
    expect(findMigration(p, '2')).toBe(other);
    // a new list (a project opened again) is indexed on its own
    const q = { ...p, migrations: [p.migrations[1]!] };
    expect(() => findMigration(q, '2')).toThrow(/No migration with version 2/);
    expect(findMigration(q, '3')).toBe(third);
  });

  it('finds each of thousands of migrations, the first of two equal versions winning', () => {
    const files: Record<string, string> = {};
    for (let i = 1; i <= 3000; i++) files[`${String(i).padStart(5, '0')}_m${i}.up.sql`] = `SELECT ${i};`;
    const p = open(files);
    for (let i = 1; i <= 3000; i++) expect(findMigration(p, String(i)).name).toBe(`m${i}`);
    const dup = { ...p.migrations[41]!, name: 'duplicate' };
    p.migrations.push(dup);
    expect(findMigration(p, '42').name).toBe('m42');
  });
});
