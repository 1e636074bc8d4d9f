/**
 * Live-schema drift and baseline.
 *
 * - `driftCheck`: apply the migrations the live database says it has (or up to a version) to a
 *   scratch database (embedded server by default), snapshot both catalogs and diff them.
 * - `baseline`: adopt an existing database: when it matches the migrations up to V, record them
 *   as applied without running them; otherwise refuse with the differences.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type pg from 'pg';
import { connectClient, quoteIdent, type ResolvedConnection } from '../db';
import { runMigrations } from '../engine';
import { ConfitureError } from '../errors';
import { compareVersions, type Project } from '../project';
import { ensureTrackingSchema, finishRun, insertRun, readApplied, recordMigration } from '../store';
import { diffCatalogs, snapshotCatalog, type Difference } from './catalog';

export { diffCatalogs, snapshotCatalog } from './catalog';
export type { Difference, Snapshot, CatalogObject, ObjectKind } from './catalog';

export interface DriftReport {
  /** the migrations the comparison is made against */
  versions: string[];
  differences: Difference[];
  liveServer: string;
  scratchServer: string;
  /** different major versions deparse some definitions differently: a note for the reader */
  note: string | null;
}

/** Schemas that are Confiture's own, never part of the comparison. */
export function ownSchemas(project: Project): string[] {
  return [project.trackingSchema, 'confiture_fleet', 'confiture_fleet_jobs'];
}

async function serverVersion(c: Pick<pg.ClientBase, 'query'>): Promise<string> {
  return (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
}

/** Builds the schema the migrations produce in a throwaway database and snapshots it. */
async function expectedSnapshot(project: Project, scratch: ResolvedConnection, versions: string[]) {
  const name = `confiture_scratch_${crypto.randomBytes(5).toString('hex')}`;
  const admin = await connectClient({ ...scratch, config: { ...scratch.config } });
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await admin.end();
  }
  const conn: ResolvedConnection = { ...scratch, database: name, config: { ...scratch.config, database: name } };
  try {
    if (versions.length > 0) {
      const report = await runMigrations(project, { label: `scratch ${name}`, connect: () => connectClient({ ...conn, config: { ...conn.config } }) }, { kind: 'up', to: versions.at(-1)!, startedBy: 'confiture drift (scratch)' });
      if (!report.ok) throw new ConfitureError('migration_failed', `The migrations do not apply to an empty scratch database: ${report.error?.message ?? report.outcome}`, { field: 'migrations' });
    }
    const c = await connectClient({ ...conn, config: { ...conn.config } });
    try {
      return { snapshot: await snapshotCatalog(c, ownSchemas(project)), version: await serverVersion(c) };
    } finally {
      await c.end();
    }
  } finally {
    const a = await connectClient({ ...scratch, config: { ...scratch.config } });
    try {
      await a.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    } finally {
      await a.end();
    }
  }
}

export interface DriftOptions {
  /** compare with the migrations up to this version (default: those the live database has applied) */
  upTo?: string;
  /** a server where a scratch database may be created and dropped */
  scratch: ResolvedConnection;
}

export async function driftCheck(project: Project, live: pg.ClientBase, opts: DriftOptions): Promise<DriftReport> {
  let versions: string[];
  if (opts.upTo !== undefined) {
    const upTo = opts.upTo;
    if (!project.migrations.some((m) => compareVersions(m.version, upTo) === 0)) throw new ConfitureError('not_found', `No migration with version ${upTo} in ${project.migrationsDir}`, { field: 'version' });
    versions = project.migrations.filter((m) => compareVersions(m.version, upTo) <= 0).map((m) => m.version);
  } else {
    const applied = new Set((await readApplied(live, project.trackingSchema, project.id)).map((a) => a.version));
    const last = project.migrations.filter((m) => applied.has(m.version)).at(-1);
    versions = last ? project.migrations.filter((m) => compareVersions(m.version, last.version) <= 0).map((m) => m.version) : [];
  }
  const expected = await expectedSnapshot(project, opts.scratch, versions);
  const liveSnap = await snapshotCatalog(live, ownSchemas(project));
  const liveVersion = await serverVersion(live);
  const major = (v: string) => v.split(/[.\s]/)[0];
  return {
    versions,
    differences: diffCatalogs(expected.snapshot, liveSnap),
    liveServer: liveVersion,
    scratchServer: expected.version,
    note: major(liveVersion) !== major(expected.version) ? `the scratch server is PostgreSQL ${expected.version}, the live one ${liveVersion}: definitions may print differently across major versions (use --scratch with a server of the live one's major version)` : null,
  };
}

export interface BaselineResult {
  version: string;
  recorded: string[];
  alreadyApplied: string[];
  drift: DriftReport;
  /** true when it refused (differences) */
  refused: boolean;
}

/** Records migrations up to `version` as applied, after checking the database matches them. */
export async function baseline(project: Project, live: pg.ClientBase, version: string, opts: { scratch: ResolvedConnection; by?: string; appVersion?: string }): Promise<BaselineResult> {
  const drift = await driftCheck(project, live, { upTo: version, scratch: opts.scratch });
  const applied = new Set((await readApplied(live, project.trackingSchema, project.id)).map((a) => a.version));
  const want = project.migrations.filter((m) => compareVersions(m.version, version) <= 0);
  const later = [...applied].filter((v) => compareVersions(v, version) > 0);
  if (later.length > 0) throw new ConfitureError('invalid_input', `The database already has migrations after ${version} applied (${later.join(', ')}): a baseline adopts a database that was never migrated by Confiture`, { field: 'version' });
  if (drift.differences.length > 0) return { version, recorded: [], alreadyApplied: [...applied], drift, refused: true };
  const by = opts.by ?? `${os.userInfo().username}@${os.hostname()}`;
  const runId = crypto.randomUUID();
  await ensureTrackingSchema(live, project.trackingSchema);
  const recorded: string[] = [];
  await live.query('BEGIN');
  try {
    await insertRun(live, project.trackingSchema, { id: runId, kind: 'baseline', startedBy: by, host: os.hostname(), appVersion: opts.appVersion ?? 'dev', project: project.name, projectId: project.id, targetVersion: version, options: { baseline: true }, lockPid: null });
    for (const m of want) {
      if (applied.has(m.version)) continue;
      await recordMigration(live, project.trackingSchema, { project: project.id, runId, version: m.version, name: m.name, checksum: m.checksum, direction: 'up', by: `baseline by ${by}`, durationMs: 0, approvalId: null, statements: [] });
      recorded.push(m.version);
    }
    await finishRun(live, project.trackingSchema, runId, 'success', null);
    await live.query('COMMIT');
  } catch (e) {
    await live.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
  return { version, recorded, alreadyApplied: [...applied], drift, refused: false };
}
