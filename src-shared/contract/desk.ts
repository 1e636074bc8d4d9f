/** The desk: session restore, psql access to the embedded server, blocker interventions. */
import { z } from 'zod';
import { procedure } from './define';
import type { BlockerDescription, BlockerIntervention, DeskSession, InterventionEntry, PsqlAccess, SloSeries } from '../domain/desk';

const dir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
const pid = z.number().int().positive().max(2_147_483_647);

export const deskProcedures = {
  'session/get': procedure<DeskSession>()(z.object({}).strict()),
  'session/set': procedure<DeskSession>()(
    z
      .object({
        connectionId: connectionId.nullable().optional(),
        projectDir: dir.nullable().optional(),
        screen: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a screen id').nullable().optional(),
      })
      .strict(),
  ),
  'embedded/psql': procedure<PsqlAccess>()(z.object({ database: z.string().min(1).max(63).optional() }).strict()),
  /** checks the embedded server is still alive (a crash shows as stopped) */
  'embedded/check': procedure<{ state: 'stopped' | 'starting' | 'running' | 'failed'; port: number | null; error: string | null }>()(z.object({}).strict()),
  'blocker/describe': procedure<BlockerDescription>()(z.object({ dir, connectionId, pid }).strict()),
  'blocker/act': procedure<BlockerIntervention>()(
    z
      .object({
        dir,
        connectionId,
        pid,
        action: z.enum(['cancel', 'terminate']),
        /** the backend_start shown in the confirmation: a reused pid is refused */
        backendStart: z.string().min(1).max(64),
        by: z.string().trim().min(1).max(200),
        reason: z.string().max(500).default(''),
      })
      .strict(),
  ),
  'blocker/log': procedure<InterventionEntry[]>()(z.object({ dir }).strict()),
  /** per objective: SLI and remaining error budget over the window, burn rate per bucket, bad events */
  'slo/series': procedure<SloSeries[]>()(
    z.object({ dir, connectionId, window: z.string().regex(/^\d+(\.\d+)?\s*(h|d|w)$/, 'a window such as 30d, 7d or 24h').optional() }).strict(),
  ),
} as const;
