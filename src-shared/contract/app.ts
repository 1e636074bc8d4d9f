import { z } from 'zod';
import { procedure, stream } from './define';
import { ConnectionTargetSchema, type ConnectionInfo } from '../domain/connection';
import type { MigrationSaveResult, MigrationSource, ProjectStatus, ProjectSummary } from '../domain/project';

export interface AppInfo {
  version: string;
  /** `electron` for the desktop app, `browser` for the local web bridge */
  mode: 'electron' | 'browser';
  dataDir: string;
  demoProjectDir: string;
  embedded: { state: 'stopped' | 'starting' | 'running' | 'failed'; port: number | null; error: string | null };
}

export interface SeedProgress {
  step: string;
  table: string | null;
  done: number;
  total: number;
  finished: boolean;
}

const projectDir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
export const versionString = z.string().min(1).max(64).regex(/^[0-9][0-9._]*$/, 'a version is digits, optionally with . or _');

export const appProcedures = {
  'app/info': procedure<AppInfo>()(z.object({}).strict()),

  'connection/open': procedure<ConnectionInfo>()(z.object({ target: ConnectionTargetSchema }).strict()),
  'connection/list': procedure<ConnectionInfo[]>()(z.object({}).strict()),
  'connection/close': procedure<{ closed: boolean }>()(z.object({ connectionId }).strict()),

  'project/open': procedure<ProjectSummary>()(z.object({ dir: projectDir }).strict()),
  'project/status': procedure<ProjectStatus>()(z.object({ dir: projectDir, connectionId }).strict()),
  'project/source': procedure<MigrationSource>()(
    z.object({ dir: projectDir, version: versionString, maxBytes: z.number().int().positive().max(50_000_000).optional() }).strict(),
  ),

  /**
   * The desk's editor pane: writes a migration's new SQL to its .up.sql (the file the project scan
   * found for the version, inside the migrations folder; size-capped, NUL/control characters
   * refused). With a connection, an applied migration is refused unless `confirmApplied`.
   */
  'project/save': procedure<MigrationSaveResult>()(
    z
      .object({
        dir: projectDir,
        version: versionString,
        sql: z.string().max(4 * 1024 * 1024),
        expectedChecksum: z.string().regex(/^[0-9a-f]{64}$/i, 'a SHA-256 checksum (64 hex digits)'),
        connectionId: connectionId.optional(),
        confirmApplied: z.boolean().optional(),
      })
      .strict(),
  ),

  'demo/seed': procedure<{ rows: number; seconds: number; skipped: boolean }>()(
    z.object({ connectionId, scale: z.number().positive().max(10).optional() }).strict(),
  ),
} as const;

export const appStreams = {
  'demo/seedProgress': stream<SeedProgress>()(z.object({ connectionId }).strict()),
} as const;
