import type pg from 'pg';
import type { MigrationStatus } from '../../src-shared/domain/project';
import { canonicalVersion, compareVersions, type Project } from '../project';
import { readApplied, trackingSchemaExists } from '../store';

/** Joins the files on disk with what the database says was applied. */
export async function migrationStatus(project: Project, db: pg.Pool | pg.ClientBase): Promise<{ exists: boolean; migrations: MigrationStatus[] }> {
  const exists = await trackingSchemaExists(db, project.trackingSchema);
  const applied = exists ? await readApplied(db, project.trackingSchema) : [];
  const byVersion = new Map(applied.map((a) => [canonicalVersion(a.version), a]));
  const out: MigrationStatus[] = project.migrations.map((m) => {
    const a = byVersion.get(canonicalVersion(m.version));
    byVersion.delete(canonicalVersion(m.version));
    return {
      version: m.version,
      name: m.name,
      state: !a ? 'pending' : a.checksum === m.checksum ? 'applied' : 'changed',
      checksum: m.checksum,
      appliedChecksum: a?.checksum ?? null,
      appliedAt: a?.appliedAt ?? null,
      appliedBy: a?.appliedBy ?? null,
      durationMs: a?.durationMs ?? null,
      hasDown: m.downPath !== null,
    };
  });
  for (const a of byVersion.values()) {
    out.push({
      version: a.version,
      name: a.name,
      state: 'missing',
      checksum: a.checksum,
      appliedChecksum: a.checksum,
      appliedAt: a.appliedAt,
      appliedBy: a.appliedBy,
      durationMs: a.durationMs,
      hasDown: false,
    });
  }
  out.sort((x, y) => compareVersions(x.version, y.version));
  return { exists, migrations: out };
}
