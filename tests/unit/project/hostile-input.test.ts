/** confiture.yaml and the migrations folder from someone who means harm, or from a mistake. */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfitureError } from '../../../src-main/errors';
import { loadConfig, MAX_YAML_BYTES, openProject, openValidProject, parseConfig } from '../../../src-main/project';
import { makeProject, type TempProject } from '../../helpers/project';

function refusal(fn: () => unknown): ConfitureError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfitureError);
    return e as ConfitureError;
  }
  throw new Error('expected a ConfitureError');
}

/** nine-fold expansion per level: 9^7 ≈ 4.8 million strings from 300 bytes */
const BILLION_LAUGHS = [
  'name: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...['b', 'c', 'd', 'e', 'f', 'g'].map((k, i) => {
    const prev = String.fromCharCode('a'.charCodeAt(0) + i);
    return `${k}: &${k} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');

let project: TempProject | null = null;
afterEach(() => {
  project?.remove();
  project = null;
});

describe('YAML that would exhaust memory', () => {
  it('refuses a billion-laughs file as config_error naming the file and the first alias, with bounded memory', () => {
    const before = process.memoryUsage().rss;
    const e = refusal(() => parseConfig(BILLION_LAUGHS, '/p/confiture.yaml'));
    expect(e.code).toBe('config_error');
    expect(e.message).toMatch(/^\/p\/confiture\.yaml:2: its aliases expand to too much data/);
    expect(e.where).toMatchObject({ file: '/p/confiture.yaml', line: 2 });
    // the expansion would be ~4.8 million strings; a refusal costs nothing of the kind
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses an alias to an anchor that does not exist, with its line', () => {
    const e = refusal(() => parseConfig('name: shop\ntracking:\n  schema: *nope\n', 'confiture.yaml'));
    expect(e.code).toBe('config_error');
    expect(e.message).toBe('confiture.yaml:3: Unresolved alias: nope: an alias must refer to an anchor (&name) defined before it');
    expect(e.where?.line).toBe(3);
  });

  it('still accepts a few ordinary aliases', () => {
    const text = [
      'name: shop',
      'hooks:',
      '  hooks:',
      '    - { id: a, kind: command, command: "true", on: &phases [before_run, after_run] }',
      '    - { id: b, kind: command, command: "true", on: *phases }',
    ].join('\n');
    expect(parseConfig(text, 'confiture.yaml').hooks.hooks.map((h) => h.on)).toEqual([
      ['before_run', 'after_run'],
      ['before_run', 'after_run'],
    ]);
  });

  it('refuses a confiture.yaml over the size limit before reading it', () => {
    project = makeProject({}, '');
    const file = path.join(project.dir, 'confiture.yaml');
    fs.truncateSync(file, MAX_YAML_BYTES + 1);
    const e = refusal(() => loadConfig(project!.dir));
    expect(e.code).toBe('config_error');
    expect(e.message).toContain(`${file}: 1.0 MB is above the 1.0 MB limit for a YAML file`);
  });

  // bounded by the size limit; slow only on a loaded machine
  it('refuses absurdly deep flow nesting as a config_error, not a crash', { timeout: 60_000 }, () => {
    const e = refusal(() => parseConfig(`name: ${'['.repeat(5_000)}${']'.repeat(5_000)}\n`, 'confiture.yaml'));
    expect(e.code).toBe('config_error');
    expect(e.message).toMatch(/^confiture\.yaml:1: nested too deeply/);
  });
});

describe('symbolic links in the migrations folder', () => {
  it('reports a link to a migration as an error instead of skipping it in silence', () => {
    project = makeProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);\n' });
    const outside = path.join(project.dir, 'elsewhere.sql');
    fs.writeFileSync(outside, 'DROP TABLE a;\n');
    fs.symlinkSync(outside, path.join(project.migrationsDir, '0002_b.up.sql'));
    const p = openProject(project.dir);
    expect(p.migrations.map((m) => m.version)).toEqual(['0001']);
    expect(p.problems).toEqual([
      expect.objectContaining({ severity: 'error', file: path.join(project.migrationsDir, '0002_b.up.sql'), message: expect.stringContaining(`0002_b.up.sql is a symbolic link (to ${outside})`) }),
    ]);
    const e = refusal(() => openValidProject(project!.dir));
    expect(e.code).toBe('project_error');
    expect(e.message).toContain('followSymlinks: true');
  });

  it('follows links when confiture.yaml opts in, checksumming the target bytes', () => {
    project = makeProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);\n' }, 'name: t\nfollowSymlinks: true\n');
    const outside = path.join(project.dir, 'shared.sql');
    fs.writeFileSync(outside, 'CREATE TABLE b (id int);\n');
    fs.symlinkSync(outside, path.join(project.migrationsDir, '0002_b.up.sql'));
    const p = openValidProject(project.dir);
    expect(p.migrations.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(p.migrations[1]!.sizeBytes).toBe(25);
  });

  it('reports a dangling link even when links are followed', () => {
    project = makeProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);\n' }, 'name: t\nfollowSymlinks: true\n');
    fs.symlinkSync(path.join(project.dir, 'gone.sql'), path.join(project.migrationsDir, '0002_b.up.sql'));
    expect(openProject(project.dir).problems).toEqual([expect.objectContaining({ severity: 'error', message: expect.stringContaining('which cannot be read') })]);
  });

  it('warns about a link that is not SQL (a README) without failing the project', () => {
    project = makeProject({ '0001_a.up.sql': 'CREATE TABLE a (id int);\n' });
    fs.writeFileSync(path.join(project.dir, 'README.md'), '# notes\n');
    fs.symlinkSync(path.join(project.dir, 'README.md'), path.join(project.migrationsDir, 'README.md'));
    const p = openValidProject(project.dir);
    expect(p.problems).toEqual([expect.objectContaining({ severity: 'warning', message: expect.stringContaining('README.md is a symbolic link') })]);
  });
});
