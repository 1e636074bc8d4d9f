/** `partial`: a run stopped part-way through a migration run outside a transaction (some statements applied, not recorded as applied) */
import type { BlockedOthers } from './runner';
export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing' | 'partial';

/** Where a `partial` migration stopped: the next run resumes there (after checking the catalog when the statement was in flight). */
export interface PartialInfo {
  /** statements recorded as applied */
  applied: number;
  total: number | null;
  /** the statement the next run starts with: in flight when the run was killed (`running`), failed (`failure`), or not started yet (`next`) */
  statement: { index: number; line: number | null; kind: string | null; sql: string | null; outcome: 'running' | 'failure' | 'cancelled' | 'next'; error: string | null };
}

export interface MigrationFile {
  /** the version as written in the file name, e.g. `0007` or `20240102120000` */
  version: string;
  name: string;
  upPath: string;
  downPath: string | null;
  /** SHA-256 hex of the exact bytes of the up file */
  checksum: string;
  downChecksum: string | null;
  sizeBytes: number;
}

export interface ProjectProblem {
  severity: 'error' | 'warning';
  message: string;
  file?: string;
  line?: number;
}

export interface ProjectSummary {
  dir: string;
  name: string;
  /** keeps this project's tracking rows apart from other projects sharing the database (confiture.yaml `project.id`, else derived from the name) */
  id: string;
  /** whether confiture.yaml sets `project.id` */
  idExplicit: boolean;
  trackingSchema: string;
  migrations: MigrationFile[];
  problems: ProjectProblem[];
}

export interface MigrationStatus {
  version: string;
  name: string;
  state: MigrationState;
  /** checksum of the file on disk, or of the applied file when `missing` */
  checksum: string;
  appliedChecksum: string | null;
  appliedAt: string | null;
  appliedBy: string | null;
  durationMs: number | null;
  hasDown: boolean;
  /** set when `state` is `partial` */
  partial?: PartialInfo;
  /** the sessions its locks made wait when it was applied (the lock monitor's lower bound); absent when nobody waited or nothing was measured */
  blockedOthers?: BlockedOthers;
}

export interface ProjectStatus {
  project: string;
  connection: string;
  trackingSchemaExists: boolean;
  migrations: MigrationStatus[];
}

export interface MigrationSource {
  version: string;
  name: string;
  path: string;
  /** the text, or the first `maxBytes` of it when the file is larger */
  sql: string;
  truncated: boolean;
  sizeBytes: number;
  downSql: string | null;
  /** SHA-256 of the up file as scanned (the editor sends it back with a save) */
  checksum?: string;
}

/** What `project/save` wrote (the desk's editor pane). */
export interface MigrationSaveResult {
  version: string;
  path: string;
  previousChecksum: string;
  checksum: string;
  sizeBytes: number;
  /** the text was identical: nothing written */
  unchanged: boolean;
  /** the migration's state in the database when it was saved (null: no connection given) */
  state: MigrationState | null;
}
