/**
 * "Open with → Confiture Desktop" on a `confiture.yaml` (the file association of
 * electron-builder.yml), a project folder dropped on the app icon, or `confiture-desktop <dir>`
 * on a command line: which project a path names. Plain Node (no `electron` import): the Electron
 * entry feeds it `process.argv`, the `open-file` path (macOS) and a second instance's argv, and
 * hands the result to the engine, which opens the project for every window (`session/set`).
 */
import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_FILES = ['confiture.yaml', 'confiture.yml'];

/**
 * The project folder a path names: a `confiture.yaml`/`.yml` file → its folder; a folder holding
 * one → that folder. Anything else (another YAML file, a missing path, a flag) → null: the app
 * then opens as it would have without the path, rather than guessing a project.
 */
export function projectDirOf(p: string, cwd = process.cwd()): string | null {
  if (!p || p.startsWith('-')) return null;
  const abs = path.resolve(cwd, p);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    return null;
  }
  if (st.isFile()) return PROJECT_FILES.includes(path.basename(abs)) ? path.dirname(abs) : null;
  if (st.isDirectory()) return PROJECT_FILES.some((f) => fs.existsSync(path.join(abs, f))) ? abs : null;
  return null;
}

/**
 * The project named on a command line: the last argument that names one. `argv` is the whole
 * `process.argv` (Electron's binary, maybe its app path in development, Chromium switches): the
 * first element is skipped, switches are ignored, non-project paths (the app's own folder) too.
 */
export function projectDirFromArgv(argv: readonly string[], cwd = process.cwd()): string | null {
  let found: string | null = null;
  for (const a of argv.slice(1)) {
    const dir = projectDirOf(a, cwd);
    if (dir) found = dir;
  }
  return found;
}
