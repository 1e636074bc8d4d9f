import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectDirFromArgv, projectDirOf } from '../../../src-main/desktop';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-open-'));
const project = path.join(root, 'shop');
const other = path.join(root, 'not-a-project');
fs.mkdirSync(path.join(project, 'migrations'), { recursive: true });
fs.writeFileSync(path.join(project, 'confiture.yaml'), 'name: shop\n');
fs.mkdirSync(other);
fs.writeFileSync(path.join(other, 'docker-compose.yaml'), 'services: {}\n');
const yml = path.join(root, 'yml');
fs.mkdirSync(yml);
fs.writeFileSync(path.join(yml, 'confiture.yml'), 'name: yml\n');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the project an opened path names (file association, folder, command line)', () => {
  it('a confiture.yaml or .yml opens its folder; a folder holding one opens itself', () => {
    expect(projectDirOf(path.join(project, 'confiture.yaml'))).toBe(project);
    expect(projectDirOf(path.join(yml, 'confiture.yml'))).toBe(yml);
    expect(projectDirOf(project)).toBe(project);
    expect(projectDirOf('shop', root)).toBe(project);
  });

  it('another YAML file, a folder without a project, a missing path or a switch opens nothing', () => {
    expect(projectDirOf(path.join(other, 'docker-compose.yaml'))).toBeNull();
    expect(projectDirOf(other)).toBeNull();
    expect(projectDirOf(path.join(root, 'gone', 'confiture.yaml'))).toBeNull();
    expect(projectDirOf('--no-sandbox')).toBeNull();
    expect(projectDirOf('')).toBeNull();
  });

  it('reads the last project named on a command line, past the binary, switches and the app folder', () => {
    const argv = ['/opt/Confiture/confiture-desktop', '--enable-features=X', root, path.join(project, 'confiture.yaml')];
    expect(projectDirFromArgv(argv)).toBe(project);
    // the binary itself is never taken, even when it sits in a project folder
    expect(projectDirFromArgv([project])).toBeNull();
    expect(projectDirFromArgv(['/opt/Confiture/confiture-desktop', '--inspect'])).toBeNull();
    expect(projectDirFromArgv(['electron', '.', 'shop'], root)).toBe(project);
  });
});

describe('the engine side: a project handed to the app becomes the session project', () => {
  it('opens a project named by its confiture.yaml; refuses anything else without touching the session', async () => {
    const { createContext } = await import('../../../src-main/context');
    const { createRouter } = await import('../../../src-main/ipc/router');
    const { openProjectFromDesktop } = await import('../../../src-main/desk');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-open-data-'));
    const ctx = createContext({ mode: 'cli', dataDir });
    try {
      const router = createRouter(ctx);
      const session = async () => ((await router.call('session/get', {})) as { ok: true; value: { projectDir: string | null } }).value;
      expect(openProjectFromDesktop(ctx, path.join(other, 'docker-compose.yaml'))).toBeNull();
      expect(openProjectFromDesktop(ctx, 42)).toBeNull();
      expect((await session()).projectDir).toBeNull();
      expect(openProjectFromDesktop(ctx, path.join(project, 'confiture.yaml'))).toBe(project);
      expect((await session()).projectDir).toBe(project);
    } finally {
      await ctx.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
