import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { compareVersions, migrationSource, openProject, openValidProject } from '../../../src-main/project';
import { makeProject, type TempProject } from '../../helpers/project';

const sha = (b: string | Buffer) => crypto.createHash('sha256').update(b).digest('hex');
let projects: TempProject[] = [];
function project(files: Record<string, string | Buffer>, config?: string): TempProject {
  const p = makeProject(files, config);
  projects.push(p);
  return p;
}
afterEach(() => {
  for (const p of projects) p.remove();
  projects = [];
});

describe('version ordering', () => {
  it('orders versions numerically, not as text', () => {
    expect(['10', '2', '1', '100'].sort(compareVersions)).toEqual(['1', '2', '10', '100']);
    expect(['1.10', '1.2', '1.9', '2.0', '1'].sort(compareVersions)).toEqual(['1', '1.2', '1.9', '1.10', '2.0']);
    expect(compareVersions('20240101120000', '20231231235959')).toBe(1);
    expect(compareVersions('007', '7')).toBe(0);
  });

  it('lists files of a project in human order', () => {
    const p = project({
      '10_ten.up.sql': 'SELECT 10;',
      '2_two.up.sql': 'SELECT 2;',
      '1.10_a.up.sql': 'SELECT 1;',
      '1.2_b.up.sql': 'SELECT 1;',
    });
    expect(openProject(p.dir).migrations.map((m) => m.version)).toEqual(['1.2', '1.10', '2', '10']);
  });

  it('orders 14-digit timestamps', () => {
    const p = project({
      '20240101120000_b.up.sql': 'SELECT 1;',
      '20231231235959_a.up.sql': 'SELECT 1;',
      '20240101090000_c.up.sql': 'SELECT 1;',
    });
    expect(openProject(p.dir).migrations.map((m) => m.name)).toEqual(['a', 'c', 'b']);
  });
});

describe('migrations folder problems', () => {
  it('reports duplicate versions 001 and 1 naming both files', () => {
    const p = project({ '001_first.up.sql': 'SELECT 1;', '1_other.up.sql': 'SELECT 2;' });
    const { problems } = openProject(p.dir);
    const dup = problems.find((x) => /duplicate/.test(x.message));
    expect(dup?.severity).toBe('error');
    expect(dup?.message).toContain('001_first.up.sql');
    expect(dup?.message).toContain('1_other.up.sql');
    expect(() => openValidProject(p.dir)).toThrow(/001_first\.up\.sql.*1_other\.up\.sql|1_other\.up\.sql.*001_first\.up\.sql/);
  });

  it('reports a non-UTF-8 file with its line', () => {
    const bytes = Buffer.concat([Buffer.from('SELECT 1;\nSELECT 2;\nSELECT \''), Buffer.from([0xe9, 0x74, 0xe9]), Buffer.from("';\n")]);
    const p = project({ '1_latin1.up.sql': bytes });
    const err = openProject(p.dir).problems.find((x) => /UTF-8/.test(x.message));
    expect(err?.severity).toBe('error');
    expect(err?.message).toContain('1_latin1.up.sql');
    expect(err?.message).toMatch(/line 3\b/);
    expect(err?.line).toBe(3);
  });

  it('reports the right line for invalid UTF-8 deep inside a large file', () => {
    const body = 'SELECT 1;\n'.repeat(200_000); // 2 MB: more than one read chunk
    const bytes = Buffer.concat([Buffer.from(body), Buffer.from([0xff]), Buffer.from('\n')]);
    const p = project({ '1_big.up.sql': bytes });
    const err = openProject(p.dir).problems.find((x) => /UTF-8/.test(x.message));
    expect(err?.message).toMatch(/line 200001\b/);
  });

  it('reports a multi-byte character cut off at the end of the file', () => {
    const p = project({ '1_cut.up.sql': Buffer.concat([Buffer.from("SELECT 'caf"), Buffer.from([0xc3])]) });
    const err = openProject(p.dir).problems.find((x) => /UTF-8/.test(x.message));
    expect(err?.message).toMatch(/truncated multi-byte character/);
    expect(err?.line).toBe(1);
  });

  it('accepts valid multi-byte UTF-8 split across read chunks', () => {
    const pad = 'x'.repeat(1024 * 1024 - 1 - 3); // the 3-byte € straddles the 1 MiB chunk boundary
    const text = `-- ${pad}€\nSELECT 1;\n`;
    expect(Buffer.from(text).indexOf(Buffer.from('€'))).toBe(1024 * 1024 - 1);
    const p = project({ '1_euro.up.sql': text });
    expect(openProject(p.dir).problems).toEqual([]);
  });

  it('openValidProject throws the UTF-8 problem with file and line', () => {
    const p = project({ '1_bad.up.sql': Buffer.from([0x53, 0x0a, 0x0a, 0xc0, 0x80]) });
    try {
      openValidProject(p.dir);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe('project_error');
      expect((e as { where: { line: number } }).where.line).toBe(3);
    }
  });

  it('accepts an empty file and a whitespace-only file as no-ops, with a warning', () => {
    const p = project({ '1_empty.up.sql': '', '2_blank.up.sql': '  \n\t\n', '2_blank.down.sql': '' });
    const problems = openProject(p.dir).problems;
    expect(problems.filter((x) => x.severity === 'error')).toEqual([]);
    const msgs = problems.filter((x) => x.severity === 'warning').map((x) => x.message);
    expect(msgs).toContain('1_empty.up.sql is empty: it runs as a no-op');
    expect(msgs).toContain('2_blank.up.sql is empty: it runs as a no-op');
    expect(msgs).toContain('2_blank.down.sql is empty: reverting runs as a no-op');
  });

  it('reports an orphan .down.sql', () => {
    const p = project({ '1_a.up.sql': 'SELECT 1;', '2_b.down.sql': 'SELECT 1;' });
    const orphan = openProject(p.dir).problems.find((x) => /orphan/.test(x.message));
    expect(orphan?.severity).toBe('error');
    expect(orphan?.message).toContain('2_b.down.sql');
    expect(orphan?.message).toContain('2_b.up.sql');
  });

  it('reports a badly named .sql file as an error with the expected pattern', () => {
    const p = project({ '1_a.up.sql': 'SELECT 1;', 'add_users.sql': 'SELECT 1;', '2_b.sql': 'SELECT 1;' });
    const errs = openProject(p.dir).problems.filter((x) => x.severity === 'error');
    expect(errs.map((e) => e.message).join('\n')).toMatch(/add_users\.sql is not a migration file name: expected <version>_<name>\.up\.sql/);
    expect(errs.some((e) => e.message.startsWith('2_b.sql'))).toBe(true);
  });

  it('warns about non-SQL files without failing the project', () => {
    const p = project({ '1_a.up.sql': 'SELECT 1;', 'README.md': '# notes' });
    const pr = openProject(p.dir).problems;
    expect(pr).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('README.md') })]);
    expect(() => openValidProject(p.dir)).not.toThrow();
  });

  it('pairs a down file with its up file', () => {
    const p = project({ '1_a.up.sql': 'CREATE TABLE t();', '1_a.down.sql': 'DROP TABLE t;' });
    const [m] = openProject(p.dir).migrations;
    expect(m?.downPath).toMatch(/1_a\.down\.sql$/);
    expect(m?.downChecksum).toBe(sha('DROP TABLE t;'));
  });
});

describe('checksums', () => {
  it('is the SHA-256 of the exact bytes, so CRLF and LF differ', () => {
    const lf = 'CREATE TABLE a (id int);\nSELECT 1;\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const p = project({ '1_lf.up.sql': lf, '2_crlf.up.sql': crlf });
    const [a, b] = openProject(p.dir).migrations;
    expect(a?.checksum).toBe(sha(lf));
    expect(b?.checksum).toBe(sha(crlf));
    expect(a?.checksum).not.toBe(b?.checksum);
  });

  it('hashes a 30 MB file and returns only a truncated prefix cut at a newline', () => {
    const line = "INSERT INTO t VALUES (1, 'crème brûlée');\n";
    const parts: string[] = [];
    let size = 0;
    while (size < 30 * 1024 * 1024) {
      parts.push(line);
      size += Buffer.byteLength(line);
    }
    const text = parts.join('');
    const p = project({ '1_big.up.sql': text });
    const proj = openValidProject(p.dir);
    const m = proj.migrations[0]!;
    expect(m.sizeBytes).toBe(Buffer.byteLength(text));
    expect(m.checksum).toBe(sha(text));
    const src = migrationSource(proj, '1', 1024 * 1024);
    expect(src.truncated).toBe(true);
    expect(src.sizeBytes).toBe(m.sizeBytes);
    expect(Buffer.byteLength(src.sql)).toBeLessThanOrEqual(1024 * 1024);
    expect(src.sql.endsWith("brûlée');")).toBe(true);
    expect(text.startsWith(src.sql)).toBe(true);
    expect(src.sql).not.toContain('\uFFFD');
  });

  it('returns a small file whole (not truncated), with its down file', () => {
    const p = project({ '0001_a.up.sql': 'SELECT 1;\n', '0001_a.down.sql': 'SELECT 2;\n' });
    const src = migrationSource(openProject(p.dir), '1');
    expect(src).toMatchObject({ version: '0001', truncated: false, sql: 'SELECT 1;\n', downSql: 'SELECT 2;\n' });
  });

  it('finds no migration for an unknown version', () => {
    const p = project({ '1_a.up.sql': 'SELECT 1;' });
    expect(() => migrationSource(openProject(p.dir), '9')).toThrow(/No migration with version 9/);
    expect(() => migrationSource(openProject(p.dir), '1_2')).toThrow(/not a migration version/);
    fs.rmSync(p.migrationsDir, { recursive: true });
  });
});
