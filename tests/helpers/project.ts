/** Builds a throwaway project folder: `makeProject({ '0001_a.up.sql': 'CREATE ...' })`. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TempProject {
  dir: string;
  migrationsDir: string;
  write(name: string, content: string | Buffer): string;
  remove(): void;
}

export function makeProject(migrations: Record<string, string | Buffer> = {}, config = 'name: test\n'): TempProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-project-'));
  fs.writeFileSync(path.join(dir, 'confiture.yaml'), config);
  const migrationsDir = path.join(dir, 'migrations');
  fs.mkdirSync(migrationsDir);
  for (const [name, content] of Object.entries(migrations)) fs.writeFileSync(path.join(migrationsDir, name), content);
  return {
    dir,
    migrationsDir,
    write(name, content) {
      const p = path.join(migrationsDir, name);
      fs.writeFileSync(p, content);
      return p;
    },
    remove() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
