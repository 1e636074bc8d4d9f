import { z } from 'zod';
import { procedure } from './define';
import type { BreakerState, HookExecutionsReport, HookListing, PhaseResult } from '../domain/hooks';
import { ALL_LIFECYCLE_EVENTS, type LifecycleEventName } from '../domain/lifecycle';

const dir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);
const phase = z.enum(ALL_LIFECYCLE_EVENTS as unknown as [LifecycleEventName, ...LifecycleEventName[]]);

export const hooksProcedures = {
  /** configured hooks per phase, with breaker states when a connection is given */
  'hooks/list': procedure<HookListing>()(z.object({ dir, connectionId: connectionId.optional() }).strict()),
  /** fires a phase (or one hook) with a sample context; really runs the hooks and records them */
  'hooks/test': procedure<PhaseResult>()(z.object({ dir, connectionId, phase, hookId: z.string().min(1).max(64).optional() }).strict()),
  /** executions of a run (default: the latest) with its critical path, and recent runs */
  'hooks/executions': procedure<HookExecutionsReport>()(z.object({ dir, connectionId, runId: z.string().min(1).max(100).optional() }).strict()),
  'hooks/breakers': procedure<BreakerState[]>()(z.object({ dir, connectionId }).strict()),
} as const;
