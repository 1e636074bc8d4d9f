/**
 * Edit in place (the desk's editor pane): writes a migration's new SQL back to its `.up.sql`.
 *
 * The file to write is never taken from the caller: it is the one the project scan found for the
 * version, and it must still be a regular file (not a link) directly inside the project's
 * migrations folder once every link of the path is resolved. The text goes through the same
 * check as every SQL reader (size, NUL, unpaired surrogates) plus a refusal of the other control
 * characters an editor should never produce; the write is atomic (temp file + rename in the same
 * folder), and refused when the file changed on disk since the editor read it (its checksum).
 *
 * An applied migration is refused unless `confirmApplied`: the database ran the old text, so the
 * next run stops on checksum drift — a new migration is almost always what is wanted.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationSaveResult, MigrationState } from '../../src-shared/domain/project';
import { ConfitureError } from '../errors';
import { checkSqlText, positionOf } from '../parse/input';
import { LARGE_FILE_BYTES } from './migrations';
import { findMigration, type Project } from './index';

/** The largest text the editor may save: the size the UI reads whole (larger files are shown cut). */
export const MAX_EDIT_BYTES = LARGE_FILE_BYTES;

/** C0 controls other than tab, line feed, form feed and carriage return, and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\x01-\x08\x0B\x0E-\x1F\x7F]/;

export interface SaveMigrationInput {
  version: string;
  sql: string;
  /** SHA-256 of the file the editor was opened on: a file changed since is not overwritten */
  expectedChecksum: string;
  /** write even though the migration is applied (the next run will see checksum drift) */
  confirmApplied?: boolean;
}

export type SaveMigrationResult = MigrationSaveResult;

const APPLIED: ReadonlySet<MigrationState> = new Set(['applied', 'changed', 'partial']);

function sha256(buf: Buffer): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** The migration's file, resolved and checked to be a regular file directly inside the migrations folder. */
export function editableMigrationFile(project: Project, version: string): { file: string; name: string } {
  const m = findMigration(project, version);
  let dirReal: string;
  try {
    dirReal = fs.realpathSync(project.migrationsDir);
  } catch (e) {
    throw new ConfitureError('not_found', `Cannot read the migrations folder ${project.migrationsDir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: project.migrationsDir });
  }
  const base = path.basename(m.upPath);
  // the scanned path is `<migrationsDir>/<name>`: check it is still that, and nothing else
  if (path.resolve(path.dirname(m.upPath)) !== path.resolve(project.migrationsDir) || base !== path.basename(base) || base.includes('..')) {
    throw new ConfitureError('invalid_input', `${m.upPath} is not directly inside the migrations folder ${project.migrationsDir}`, { file: m.upPath });
  }
  const file = path.join(dirReal, base);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    throw new ConfitureError('not_found', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  if (st.isSymbolicLink()) {
    throw new ConfitureError('invalid_input', `${base} is a symbolic link: the editor writes only files that are themselves in the migrations folder; edit the link's target instead`, { file });
  }
  if (!st.isFile()) throw new ConfitureError('invalid_input', `${base} is not a regular file`, { file });
  const rel = path.relative(dirReal, fs.realpathSync(file));
  if (rel !== base || path.isAbsolute(rel) || rel.startsWith('..')) {
    throw new ConfitureError('invalid_input', `${file} resolves outside the migrations folder ${dirReal}`, { file });
  }
  return { file, name: base };
}

/** Checks the text the editor wants to save; every refusal names the file, line and column. */
export function checkEditedSql(sql: string, file: string): void {
  const bytes = Buffer.byteLength(sql, 'utf8');
  if (bytes > MAX_EDIT_BYTES) {
    throw new ConfitureError(
      'invalid_input',
      `${path.basename(file)}: the edited text is ${bytes} bytes, above the ${MAX_EDIT_BYTES} bytes the editor saves; edit a file this large outside the desk`,
      { file, field: 'sql' },
    );
  }
  const problem = checkSqlText(sql, file);
  if (problem) throw new ConfitureError('invalid_input', problem.message, { file, line: problem.line, column: problem.column, field: 'sql' });
  const ctl = CONTROL.exec(sql);
  if (ctl) {
    const at = positionOf(sql, ctl.index);
    const code = sql.charCodeAt(ctl.index).toString(16).toUpperCase().padStart(2, '0');
    throw new ConfitureError(
      'invalid_input',
      `${path.basename(file)}:${at.line}:${at.column}: a control character (0x${code}) that is not SQL text; remove it (tab, line feed and carriage return are the only controls kept)`,
      { file, line: at.line, column: at.column, field: 'sql' },
    );
  }
}

/**
 * Saves a migration's edited SQL. `state` is the migration's state in the database (from the
 * connection the desk shows), or null when there is none.
 */
export function saveMigrationSql(project: Project, input: SaveMigrationInput, state: MigrationState | null): SaveMigrationResult {
  const { file, name } = editableMigrationFile(project, input.version);
  const version = findMigration(project, input.version).version;
  checkEditedSql(input.sql, file);
  if (state !== null && APPLIED.has(state) && input.confirmApplied !== true) {
    throw new ConfitureError(
      'policy_failure',
      `${version} is ${state} in the database: it ran the text on disk now. Saving a new text changes its checksum, and the next run stops on checksum drift ` +
        '(the tracked checksum no longer matches the file). Write a new migration for the change, or confirm the edit explicitly (e.g. to fix a comment, then accept the drift).',
      { file, field: 'confirmApplied' },
      { state },
    );
  }
  const size = fs.statSync(file).size;
  if (size > MAX_EDIT_BYTES) {
    throw new ConfitureError('invalid_input', `${name} is ${size} bytes: the editor shows only the beginning of a file above ${MAX_EDIT_BYTES} bytes, so it cannot save it`, { file });
  }
  const current = fs.readFileSync(file);
  const previousChecksum = sha256(current);
  if (previousChecksum !== input.expectedChecksum.toLowerCase()) {
    throw new ConfitureError(
      'invalid_input',
      `${name} changed on disk since the editor opened it (checksum ${input.expectedChecksum.slice(0, 12)}… → ${previousChecksum.slice(0, 12)}…); reload it and edit again, nothing was written`,
      { file, field: 'expectedChecksum' },
    );
  }
  const next = Buffer.from(input.sql, 'utf8');
  const checksum = sha256(next);
  if (checksum === previousChecksum) return { version, path: file, previousChecksum, checksum, sizeBytes: next.length, unchanged: true, state };

  // atomic: a temp file in the same folder (a dot file: the scan ignores it), then rename over the original
  const mode = fs.statSync(file).mode & 0o777;
  const tmp = path.join(path.dirname(file), `.${name}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    fs.writeSync(fd, next);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new ConfitureError('internal', `Cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  return { version, path: file, previousChecksum, checksum, sizeBytes: next.length, unchanged: false, state };
}
