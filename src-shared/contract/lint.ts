import { z } from 'zod';
import { procedure } from './define';
import { versionString } from './app';
import type { EffectiveLintConfig, LibraryInfo, LintReport, RuleInfo } from '../domain/lint';

const projectDir = z.string().min(1).max(4096);

export interface LintLibraryInfo extends LibraryInfo {
  regulation: string | null;
  /** rule id → the regulation clause that motivates it (compliance libraries) */
  clauses: Record<string, string>;
}

export interface LintRunResult extends LintReport {
  project: string;
}

export const lintProcedures = {
  /** Lint a project's migrations (or one, by version) with its composed configuration. */
  'lint/run': procedure<LintRunResult>()(
    z
      .object({
        dir: projectDir,
        version: versionString.optional(),
        /** target PostgreSQL major version; wins over the connected server and lint.pgVersion */
        pgVersion: z.number().int().min(10).max(40).optional(),
        /** read the target version from this connection's server */
        connectionId: z.string().min(1).max(64).optional(),
        /** approval status of the migration, for regulated-destructive-change */
        approved: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Every rule and every library version. */
  'lint/rules': procedure<{ rules: RuleInfo[]; libraries: LintLibraryInfo[] }>()(z.object({}).strict()),
  /** The effective composed configuration of a project, with the audit trail of each setting. */
  'lint/config': procedure<EffectiveLintConfig>()(z.object({ dir: projectDir, pgVersion: z.number().int().min(10).max(40).optional() }).strict()),
} as const;
