/**
 * Where the app's files are and its version: no other imports, so commands that need only these
 * (`confiture lint`) do not load the database layer that `context.ts` brings in.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository (or packaged app) root holding `resources/`. */
export function appRoot(): string {
  let dir = here;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'resources', 'demo'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function appVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
