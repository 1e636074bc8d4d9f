/** The `lint` section of confiture.yaml. */
import { z } from 'zod';
import { SEVERITIES } from '../../src-shared/domain/lint';

const SeveritySchema = z.enum(SEVERITIES);

const regexList = z
  .array(z.string().min(1))
  .default([])
  .superRefine((list, ctx) => {
    list.forEach((p, i) => {
      try {
        new RegExp(p, 'i');
      } catch (e) {
        ctx.addIssue({ code: 'custom', path: [i], message: `not a valid regular expression: ${(e as Error).message}` });
      }
    });
  });

export const LibrarySpecSchema = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      /** a semver range: `^1`, `~1.1`, `1.0.0`, `*` */
      version: z.string().min(1).default('*'),
    })
    .strict(),
]);

export const ConflictPolicySchema = z.enum(['error', 'warn', 'prefer-first', 'prefer-last']);

export const LintConfigSchema = z
  .object({
    /** libraries to compose, in order; default: general ^1, safety ^1 */
    libraries: z.array(LibrarySpecSchema).optional(),
    /** what to do when two libraries configure the same rule differently */
    conflictPolicy: ConflictPolicySchema.default('warn'),
    /** lowest severity that fails `confiture lint` (exit 1) */
    failOn: SeveritySchema.default('error'),
    /** PostgreSQL major version migrations target (default: the connected server, else 15) */
    pgVersion: z.number().int().min(10).max(40).optional(),
    /** per rule: severity and options; a rule no library includes is added */
    overrides: z
      .record(z.string(), z.object({ severity: SeveritySchema.optional(), options: z.record(z.string(), z.unknown()).optional() }).strict())
      .default({}),
    /** rule ids to switch off */
    disable: z.array(z.string().min(1)).default([]),
    /** patterns the compliance rules use, appended to the libraries' own */
    compliance: z
      .object({
        sensitiveColumns: regexList,
        forbiddenColumns: regexList,
        commentLabels: regexList,
        classificationComments: regexList,
        protectedTypes: z.array(z.string().min(1)).default([]),
        auditTables: regexList,
        regulatedTables: regexList,
        retentionColumns: z.array(z.string().min(1)).default([]),
        auditColumns: z.array(z.string().min(1)).default([]),
        broadRoles: z.array(z.string().min(1)).default([]),
      })
      .strict()
      .default({
        sensitiveColumns: [],
        forbiddenColumns: [],
        commentLabels: [],
        classificationComments: [],
        protectedTypes: [],
        auditTables: [],
        regulatedTables: [],
        retentionColumns: [],
        auditColumns: [],
        broadRoles: [],
      }),
  })
  .strict();

export type LintConfig = z.infer<typeof LintConfigSchema>;
export type ConflictPolicy = z.infer<typeof ConflictPolicySchema>;

/** Maps `lint.compliance` keys to the compliance rule option they extend. */
export const COMPLIANCE_KEYS = {
  sensitiveColumns: 'columnPatterns',
  forbiddenColumns: 'forbiddenColumnPatterns',
  commentLabels: 'commentLabels',
  classificationComments: 'classificationPatterns',
  protectedTypes: 'protectedTypes',
  auditTables: 'auditTablePatterns',
  regulatedTables: 'regulatedTablePatterns',
  retentionColumns: 'retentionColumns',
  auditColumns: 'auditColumns',
  broadRoles: 'broadRoles',
} as const;
