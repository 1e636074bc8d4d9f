/**
 * downFileLookup (one folder listing per lint run) answers exactly as hasDownFile (one existsSync
 * per file) on every kind of entry a migrations folder can hold.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { downFileLookup, hasDownFile } from '../../../src-main/lint/files';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-down-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('downFileLookup', () => {
  it('agrees with hasDownFile: plain files, links (to a file, dangling), a folder, another case, other names, a missing folder', () => {
    const put = (name: string, text = 'SELECT 1;') => fs.writeFileSync(path.join(root, name), text);
    put('0001_a.up.sql');
    put('0001_a.down.sql');
    put('0002_b.up.sql');
    put('0003_c.up.sql');
    fs.symlinkSync(path.join(root, '0001_a.down.sql'), path.join(root, '0003_c.down.sql'));
    put('0004_d.up.sql');
    fs.symlinkSync(path.join(root, 'nowhere.sql'), path.join(root, '0004_d.down.sql'));
    put('0005_e.up.sql');
    fs.mkdirSync(path.join(root, '0005_e.down.sql'));
    put('0006_f.up.sql');
    put('0006_f.DOWN.sql');
    put('0007_g.sql');
    // a name in the other Unicode normal form (é composed in the up file, decomposed in the down)
    put('0010_caf\u00e9.up.sql');
    put('0010_cafe\u0301.down.sql');
    fs.mkdirSync(path.join(root, 'sub'));
    put('sub/0008_h.up.sql');
    put('sub/0008_h.down.sql');
    const files = [...fs.readdirSync(root).map((n) => path.join(root, n)), path.join(root, 'sub', '0008_h.up.sql'), path.join(root, 'gone', '0009_i.up.sql')];
    const lookup = downFileLookup();
    const got = files.map((f) => [path.relative(root, f), lookup(f)]);
    expect(got).toEqual(files.map((f) => [path.relative(root, f), hasDownFile(f)]));
    // and what that is, here (a case-sensitive file system: the .DOWN.sql is not found)
    const byName = Object.fromEntries(got);
    expect(byName).toMatchObject({ '0001_a.up.sql': true, '0002_b.up.sql': false, '0003_c.up.sql': true, '0004_d.up.sql': false, '0005_e.up.sql': true, 'sub/0008_h.up.sql': true, 'gone/0009_i.up.sql': false });
    expect(byName['0007_g.sql']).toBeUndefined();
    expect(byName['0006_f.up.sql']).toBe(fs.existsSync(path.join(root, '0006_f.down.sql')));
  });
});
