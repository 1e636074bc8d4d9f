import fs from 'node:fs';
import path from 'node:path';
import type { MigrationSource, ProjectSummary } from '../../src-shared/domain/project';
import { ConfitureError } from '../errors';
import { readSqlText } from '../parse';
import { deriveProjectId } from '../store/project-id';
import { loadConfig, type ProjectConfig } from './config';
import { canonicalVersion, LARGE_FILE_BYTES, scanMigrations } from './migrations';

export { compareVersions, canonicalVersion, inspectFile, LARGE_FILE_BYTES } from './migrations';
export { parseConfig, loadConfig, ProjectConfigSchema, CONFIG_FILE } from './config';
export type { ProjectConfig } from './config';
export { readYaml, MAX_YAML_BYTES, MAX_YAML_ALIASES, yamlTooLarge } from './yaml';
export { DurationSchema } from '../engine/config';

export interface Project extends ProjectSummary {
  config: ProjectConfig;
  migrationsDir: string;
}

/** Loads a project: config errors throw; folder problems are listed in `problems`. */
export function openProject(dir: string): Project {
  const abs = path.resolve(dir);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isDirectory()) {
    throw new ConfitureError('not_found', `Project folder ${abs} does not exist`, { file: abs });
  }
  const config = loadConfig(abs);
  const migrationsDir = path.resolve(abs, config.migrations);
  const { migrations, problems } = scanMigrations(migrationsDir, { followSymlinks: config.followSymlinks });
  const name = config.name ?? path.basename(abs);
  return {
    dir: abs,
    name,
    id: config.project?.id ?? deriveProjectId(name),
    idExplicit: config.project?.id !== undefined,
    trackingSchema: config.tracking.schema,
    migrations,
    problems,
    config,
    migrationsDir,
  };
}

/** Like openProject, but any error-level problem is thrown (for the CLI and the engine). */
export function openValidProject(dir: string): Project {
  const p = openProject(dir);
  const err = p.problems.find((x) => x.severity === 'error');
  if (err) throw new ConfitureError('project_error', err.message, err.file ? { file: err.file, ...(err.line !== undefined ? { line: err.line } : {}) } : undefined);
  return p;
}

type Migration = Project['migrations'][number];

/** Per migrations list: canonical version → its first migration with that version, and where it sat. */
const versionIndexes = new WeakMap<readonly Migration[], Map<string, { m: Migration; at: number }>>();

/**
 * The migration of a canonical version, through an index built once per migrations list. A linear
 * search here made every per-migration caller (approval/list, the review, the preflight) quadratic:
 * 5,000 migrations cost 25 M canonicalVersion calls, seconds of blocked event loop. A hit is
 * checked against the list itself and a miss rebuilds the index (a miss is an error path), so a
 * list changed after a lookup is answered from its current content.
 */
function versionIndex(list: readonly Migration[], canon: string): Migration | undefined {
  const hit = versionIndexes.get(list)?.get(canon);
  if (hit && list[hit.at] === hit.m) return hit.m;
  const index = new Map<string, { m: Migration; at: number }>();
  list.forEach((m, at) => {
    const k = canonicalVersion(m.version);
    if (!index.has(k)) index.set(k, { m, at });
  });
  versionIndexes.set(list, index);
  return index.get(canon)?.m;
}

export function findMigration(project: Project, version: string) {
  if (!/^\d+(\.\d+)*$/.test(version)) {
    throw new ConfitureError('invalid_input', `"${version.slice(0, 64)}" is not a migration version: digits, optionally separated by dots (e.g. 0007 or 1.2)`, { field: 'version' });
  }
  const m = versionIndex(project.migrations, canonicalVersion(version));
  if (!m) throw new ConfitureError('not_found', `No migration with version ${version} in ${project.migrationsDir}`, { field: 'version' });
  return m;
}

function readPrefix(file: string, maxBytes: number): { text: string; truncated: boolean } {
  const size = fs.statSync(file).size;
  if (size <= maxBytes) return { text: fs.readFileSync(file, 'utf8'), truncated: false };
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(maxBytes);
    const n = fs.readSync(fd, buf, 0, maxBytes, 0);
    // cut at the last newline so no multi-byte character is split
    let end = buf.subarray(0, n).lastIndexOf(10);
    if (end <= 0) end = n;
    return { text: buf.subarray(0, end).toString('utf8'), truncated: true };
  } finally {
    fs.closeSync(fd);
  }
}

/** The text of a migration for display; large files are cut so the UI stays responsive. */
export function migrationSource(project: Project, version: string, maxBytes = LARGE_FILE_BYTES): MigrationSource {
  const m = findMigration(project, version);
  const up = readPrefix(m.upPath, maxBytes);
  return {
    version: m.version,
    name: m.name,
    path: m.upPath,
    sql: up.text,
    truncated: up.truncated,
    sizeBytes: m.sizeBytes,
    downSql: m.downPath ? readPrefix(m.downPath, maxBytes).text : null,
    checksum: m.checksum,
  };
}

/** Reads a migration's full SQL (engine, lint, risk) under the size limit, as strict UTF-8; a refusal names file and line. */
export function readMigrationSql(file: string): string {
  return readSqlText(file);
}

