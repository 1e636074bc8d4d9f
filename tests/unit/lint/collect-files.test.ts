import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectSqlFiles } from '../../../src-main/lint';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-collect-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('collectSqlFiles', () => {
  it('lists .sql files of folders recursively, sorted, following symbolic links, skipping dot entries', () => {
    const tree = path.join(dir, 'tree');
    const real = path.join(dir, 'real');
    fs.mkdirSync(path.join(tree, 'sub'), { recursive: true });
    fs.mkdirSync(path.join(tree, '.hidden'));
    fs.mkdirSync(real);
    for (const f of ['b.sql', 'A.sql', 'sub/a.sql', '.hidden/h.sql', 'notes.txt', '.dot.sql']) fs.writeFileSync(path.join(tree, f), 'select 1;\n');
    fs.writeFileSync(path.join(real, 'r.sql'), 'select 1;\n');
    fs.writeFileSync(path.join(real, 'r.txt'), 'not sql\n');
    fs.symlinkSync(path.join(real, 'r.sql'), path.join(tree, 'link.sql'));
    fs.symlinkSync(real, path.join(tree, 'linkdir'));
    fs.symlinkSync(path.join(real, 'r.txt'), path.join(tree, 'other-link.txt'));
    const explicit = path.join(tree, 'notes.txt');
    expect(collectSqlFiles([tree, explicit]).map((f) => path.relative(tree, f))).toEqual(['A.sql', 'b.sql', 'link.sql', path.join('linkdir', 'r.sql'), path.join('sub', 'a.sql'), 'notes.txt']);
  });

  it('refuses a dangling symbolic link inside a folder, as a missing path', () => {
    const tree = path.join(dir, 'dangling');
    fs.mkdirSync(tree);
    fs.symlinkSync(path.join(dir, 'nowhere.sql'), path.join(tree, 'gone.sql'));
    expect(() => collectSqlFiles([tree])).toThrow(/does not exist/);
  });
});
