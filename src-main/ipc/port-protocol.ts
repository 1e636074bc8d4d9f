/**
 * The message protocol between a window (via the preload) and the engine worker over a
 * MessagePort. Kept tiny and validated on both ends.
 */
import type { ErrorValue, Result } from '../../src-shared/errors';

export type PortRequest =
  | { id: number; type: 'call'; name: string; input: unknown }
  | { id: number; type: 'subscribe'; name: string; input: unknown }
  | { id: number; type: 'unsubscribe' };

export type PortResponse =
  | { id: number; type: 'result'; result: Result<unknown> }
  | { id: number; type: 'event'; event: unknown }
  | { id: number; type: 'stream-error'; error: ErrorValue };

export function isPortRequest(m: unknown): m is PortRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (typeof r.id !== 'number' || !Number.isSafeInteger(r.id)) return false;
  if (r.type === 'unsubscribe') return true;
  return (r.type === 'call' || r.type === 'subscribe') && typeof r.name === 'string' && r.name.length < 100;
}
