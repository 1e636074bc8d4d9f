export type MigrationState = 'applied' | 'pending' | 'changed' | 'missing';

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
}
