import type { AppContext } from '../context';
import { ConfitureError } from '../errors';

/** Fills the demo database with realistic volumes (implemented with the engine; see issue #2/#3). */
export async function seedDemo(_ctx: AppContext, _connectionId: string, _scale: number): Promise<{ rows: number; seconds: number; skipped: boolean }> {
  throw new ConfitureError('internal', 'Demo seeding is not available yet');
}
