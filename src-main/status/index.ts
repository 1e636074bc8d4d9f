import type pg from 'pg';
import type { MigrationStatus, PartialInfo } from '../../src-shared/domain/project';
import { initParser, parseSql } from '../parse';
import { canonicalVersion, compareVersions, readMigrationSql, type Project } from '../project';
import { readApplied, readPartial, trackingSchemaExists, type PartialMigration } from '../store';

/** What `status` shows for a migration a run left part-way; the statements come from the file. */
function partialInfo(file: string, p: PartialMigration): PartialInfo | null {
  let statements: { sql: string; line: number; kind: string }[] = [];
  try {
    statements = parseSql(readMigrationSql(file), file).statements.map((s) => ({ sql: s.sql, line: s.range.start.line, kind: s.kind }));
  } catch {
    // unreadable now: the recorded line and kind still say where it stopped
  }
  const done = new Set(p.done);
  const inFlight = p.statement && p.statement.outcome !== 'success' ? p.statement : null;
  if (done.size === 0 && inFlight?.outcome !== 'running') return null;
  let next = 0;
  while (done.has(next)) next++;
  const at = inFlight ?? { index: next, line: null, kind: null, outcome: 'next', error: null };
  const stmt = statements[at.index];
  const outcome = at.outcome === 'running' || at.outcome === 'failure' || at.outcome === 'cancelled' ? at.outcome : 'next';
  return {
    applied: done.size,
    total: statements.length || null,
    statement: { index: at.index, line: at.line ?? stmt?.line ?? null, kind: at.kind ?? stmt?.kind ?? null, sql: stmt?.sql ?? null, outcome, error: at.error },
  };
}

/** Joins the files on disk with what the database says was applied. */
export async function migrationStatus(project: Project, db: pg.Pool | pg.ClientBase): Promise<{ exists: boolean; migrations: MigrationStatus[] }> {
  const exists = await trackingSchemaExists(db, project.trackingSchema);
  const applied = exists ? await readApplied(db, project.trackingSchema, project.id) : [];
  const partial = new Map((exists ? await readPartial(db, project.trackingSchema, project.id) : []).filter((p) => p.direction === 'up').map((p) => [canonicalVersion(p.version), p]));
  // the statements of a partial migration are read from its file
  if (partial.size > 0) await initParser();
  const byVersion = new Map(applied.map((a) => [canonicalVersion(a.version), a]));
  const out: MigrationStatus[] = project.migrations.map((m) => {
    const a = byVersion.get(canonicalVersion(m.version));
    byVersion.delete(canonicalVersion(m.version));
    const p = !a ? partial.get(canonicalVersion(m.version)) : undefined;
    const part = p && p.checksum === m.checksum ? partialInfo(m.upPath, p) : null;
    return {
      version: m.version,
      name: m.name,
      state: part ? 'partial' : !a ? 'pending' : a.checksum === m.checksum ? 'applied' : 'changed',
      ...(part ? { partial: part } : {}),
      checksum: m.checksum,
      appliedChecksum: a?.checksum ?? null,
      appliedAt: a?.appliedAt ?? null,
      appliedBy: a?.appliedBy ?? null,
      durationMs: a?.durationMs ?? null,
      hasDown: m.downPath !== null,
      ...(a?.blockedOthers ? { blockedOthers: a.blockedOthers } : {}),
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
      ...(a.blockedOthers ? { blockedOthers: a.blockedOthers } : {}),
    });
  }
  out.sort((x, y) => compareVersions(x.version, y.version));
  return { exists, migrations: out };
}
