/**
 * The migrations folder: `<version>_<name>.up.sql` with an optional `.down.sql`.
 * Versions sort as a human expects (numerically, segment by segment); checksums are the
 * SHA-256 of the exact bytes; every problem names its file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationFile, ProjectProblem } from '../../src-shared/domain/project';
import { Utf8Scanner } from '../parse';

const FILE_RE = /^(\d+(?:\.\d+)*)_([A-Za-z0-9][A-Za-z0-9_-]*)\.(up|down)\.sql$/;
/** Files above this size are hashed and validated in chunks and never sent whole to the UI. */
export const LARGE_FILE_BYTES = 4 * 1024 * 1024;

/** Compares two versions numerically segment by segment: 2 < 10, 1.2 < 1.10. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const bx = BigInt(x);
    const by = BigInt(y);
    if (bx !== by) return bx < by ? -1 : 1;
  }
  return 0;
}

/** Canonical form used to detect duplicates: `001` and `1` are the same version. */
export function canonicalVersion(v: string): string {
  return v
    .split('.')
    .map((s) => BigInt(s).toString())
    .join('.');
}

export interface FileFacts {
  checksum: string;
  sizeBytes: number;
  problem: string | null;
  /** line of the problem, when it has one (invalid UTF-8) */
  problemLine?: number;
  /** no non-blank character: a valid no-op migration */
  empty?: boolean;
}

/**
 * The line of the first byte that is not valid UTF-8; null when the file is valid.
 * Only called once the fast decoder has failed, so it may re-read the file.
 */
function lineOfInvalidUtf8(fd: number): { line: number; truncated: boolean } | null {
  const buf = Buffer.allocUnsafe(1024 * 1024);
  const scanner = new Utf8Scanner();
  let pos = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    const fault = scanner.push(buf.subarray(0, n));
    if (fault) return { line: fault.line, truncated: false };
  }
  const cut = scanner.end();
  return cut ? { line: cut.line, truncated: true } : null;
}

/** Hashes a file and checks it is non-empty UTF-8, streaming so huge files cost no memory. */
export function inspectFile(file: string): FileFacts {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return { checksum: '', sizeBytes: 0, problem: `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  const hash = crypto.createHash('sha256');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let size = 0;
  let sawContent = false;
  let problem: string | null = null;
  let problemLine: number | undefined;
  let badUtf8 = false;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      hash.update(chunk);
      size += n;
      if (!badUtf8) {
        try {
          const text = decoder.decode(chunk, { stream: true });
          if (!sawContent && /\S/.test(text)) sawContent = true;
        } catch {
          badUtf8 = true;
        }
      }
    }
    if (!badUtf8) {
      try {
        decoder.decode();
      } catch {
        badUtf8 = true;
      }
    }
    if (badUtf8) {
      const at = lineOfInvalidUtf8(fd);
      problemLine = at?.line ?? 1;
      problem = at?.truncated
        ? `is not valid UTF-8 (truncated multi-byte character at the end, line ${problemLine}); save it as UTF-8`
        : `is not valid UTF-8 (line ${problemLine}); save it as UTF-8`;
    }
  } catch (e) {
    problem = `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  } finally {
    fs.closeSync(fd);
  }
  // an empty file is valid SQL (a no-op), as for psql and every peer tool: a warning, not an error
  return { checksum: hash.digest('hex'), sizeBytes: size, problem, ...(problemLine !== undefined ? { problemLine } : {}), ...(!problem && !sawContent ? { empty: true } : {}) };
}

function safeReadlink(file: string): string {
  try {
    return fs.readlinkSync(file);
  } catch {
    return '?';
  }
}

export interface MigrationsScan {
  migrations: MigrationFile[];
  problems: ProjectProblem[];
}

export interface ScanOptions {
  /** follow symbolic links to files (confiture.yaml `followSymlinks: true`); by default a link is an error */
  followSymlinks?: boolean;
}

/** What a directory entry is, looking through a symbolic link only when allowed. */
function entryKind(file: string, ent: fs.Dirent, follow: boolean): 'file' | 'dir' | 'link' | 'dangling' | 'other' {
  if (ent.isSymbolicLink()) {
    if (!follow) return 'link';
    try {
      const st = fs.statSync(file);
      return st.isFile() ? 'file' : st.isDirectory() ? 'dir' : 'other';
    } catch {
      return 'dangling';
    }
  }
  return ent.isFile() ? 'file' : ent.isDirectory() ? 'dir' : 'other';
}

export function scanMigrations(dir: string, opts: ScanOptions = {}): MigrationsScan {
  const problems: ProjectProblem[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (e) {
    return { migrations: [], problems: [{ severity: 'error', message: `Cannot read the migrations folder: ${(e as Error).message}`, file: dir }] };
  }
  const ups = new Map<string, { version: string; name: string; file: string }>();
  const downs = new Map<string, { version: string; name: string; file: string }>();
  const byCanonical = new Map<string, string>();
  for (const ent of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (ent.name.startsWith('.')) continue;
    const file = path.join(dir, ent.name);
    const kind = entryKind(file, ent, opts.followSymlinks === true);
    if (kind === 'link') {
      // never skipped in silence: what would run is a file outside the reviewed folder
      const looksLikeSql = ent.name.endsWith('.sql');
      problems.push({
        severity: looksLikeSql ? 'error' : 'warning',
        message: `${ent.name} is a symbolic link (to ${safeReadlink(file)}); links in the migrations folder are not followed. Put the file itself here, or set \`followSymlinks: true\` in confiture.yaml`,
        file,
      });
      continue;
    }
    if (kind === 'dangling') {
      problems.push({ severity: 'error', message: `${ent.name} is a symbolic link to ${safeReadlink(file)}, which cannot be read`, file });
      continue;
    }
    if (kind !== 'file') {
      if (kind === 'dir') problems.push({ severity: 'warning', message: 'sub-folders of the migrations folder are ignored', file });
      else problems.push({ severity: 'warning', message: `${ent.name} is not a regular file and is ignored`, file });
      continue;
    }
    const m = FILE_RE.exec(ent.name);
    if (!m) {
      if (ent.name.endsWith('.sql')) {
        problems.push({
          severity: 'error',
          message: `${ent.name} is not a migration file name: expected <version>_<name>.up.sql or .down.sql (e.g. 0007_add_orders_index.up.sql)`,
          file,
        });
      } else {
        problems.push({ severity: 'warning', message: `${ent.name} is not a migration file and is ignored`, file });
      }
      continue;
    }
    const [, version, name, dirn] = m as unknown as [string, string, string, 'up' | 'down'];
    const target = dirn === 'up' ? ups : downs;
    const canon = canonicalVersion(version) + ':' + dirn;
    const prev = byCanonical.get(canon);
    if (prev) {
      problems.push({ severity: 'error', message: `duplicate version ${version}: ${path.basename(prev)} and ${ent.name}; each version must be unique`, file });
      continue;
    }
    byCanonical.set(canon, file);
    target.set(canonicalVersion(version), { version, name, file });
  }
  const migrations: MigrationFile[] = [];
  for (const [canon, up] of ups) {
    const facts = inspectFile(up.file);
    if (facts.empty) problems.push({ severity: 'warning', message: `${path.basename(up.file)} is empty: it runs as a no-op`, file: up.file });
    if (facts.problem) {
      problems.push({ severity: 'error', message: `${path.basename(up.file)} ${facts.problem}`, file: up.file, ...(facts.problemLine !== undefined ? { line: facts.problemLine } : {}) });
    }
    const down = downs.get(canon);
    let downChecksum: string | null = null;
    if (down) {
      if (down.name !== up.name) {
        problems.push({ severity: 'warning', message: `${path.basename(down.file)} does not have the same name as ${path.basename(up.file)}`, file: down.file });
      }
      const dfacts = inspectFile(down.file);
      if (dfacts.empty) problems.push({ severity: 'warning', message: `${path.basename(down.file)} is empty: reverting runs as a no-op`, file: down.file });
      if (dfacts.problem) {
        problems.push({ severity: 'error', message: `${path.basename(down.file)} ${dfacts.problem}`, file: down.file, ...(dfacts.problemLine !== undefined ? { line: dfacts.problemLine } : {}) });
      }
      downChecksum = dfacts.checksum;
    }
    migrations.push({
      version: up.version,
      name: up.name,
      upPath: up.file,
      downPath: down?.file ?? null,
      checksum: facts.checksum,
      downChecksum,
      sizeBytes: facts.sizeBytes,
    });
  }
  for (const [canon, down] of downs) {
    if (!ups.has(canon)) {
      problems.push({ severity: 'error', message: `${path.basename(down.file)} is an orphan: there is no ${down.version}_${down.name}.up.sql`, file: down.file });
    }
  }
  migrations.sort((a, b) => compareVersions(a.version, b.version));
  return { migrations, problems };
}
