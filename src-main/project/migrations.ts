/**
 * The migrations folder: `<version>_<name>.up.sql` with an optional `.down.sql`.
 * Versions sort as a human expects (numerically, segment by segment); checksums are the
 * SHA-256 of the exact bytes; every problem names its file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MigrationFile, ProjectProblem } from '../../src-shared/domain/project';

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
}

/**
 * Finds the first byte that is not valid UTF-8 (WHATWG rules: no overlongs, no surrogates,
 * nothing above U+10FFFF) and returns its 1-based line; null when the file is valid.
 * Only called once the fast decoder has failed, so it may re-read the file.
 */
function lineOfInvalidUtf8(fd: number): { line: number; truncated: boolean } | null {
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let line = 1;
  let need = 0; // continuation bytes still expected
  let lo = 0x80;
  let hi = 0xbf;
  let seqLine = 1; // line of the lead byte of the current sequence
  let pos = 0;
  for (;;) {
    const n = fs.readSync(fd, buf, 0, buf.length, pos);
    if (n === 0) break;
    pos += n;
    for (let i = 0; i < n; i++) {
      const c = buf[i]!;
      if (need > 0) {
        if (c < lo || c > hi) return { line: seqLine, truncated: false };
        lo = 0x80;
        hi = 0xbf;
        need--;
        continue;
      }
      if (c === 10) line++;
      if (c < 0x80) continue;
      seqLine = line;
      if (c >= 0xc2 && c <= 0xdf) need = 1;
      else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        if (c === 0xe0) lo = 0xa0;
        if (c === 0xed) hi = 0x9f;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        if (c === 0xf0) lo = 0x90;
        if (c === 0xf4) hi = 0x8f;
      } else return { line, truncated: false };
    }
  }
  return need > 0 ? { line: seqLine, truncated: true } : null;
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
  if (!problem && !sawContent) problem = 'is empty';
  return { checksum: hash.digest('hex'), sizeBytes: size, problem, ...(problemLine !== undefined ? { problemLine } : {}) };
}

export interface MigrationsScan {
  migrations: MigrationFile[];
  problems: ProjectProblem[];
}

export function scanMigrations(dir: string): MigrationsScan {
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
    if (!ent.isFile()) {
      if (ent.isDirectory()) problems.push({ severity: 'warning', message: 'sub-folders of the migrations folder are ignored', file });
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
