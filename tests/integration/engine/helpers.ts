import type pg from 'pg';
import { openValidProject } from '../../../src-main/project';
import { TRACKING_STEPS } from '../../../src-main/store';
import { urlTarget } from '../../../src-main/engine';
import { makeProject, type TempProject } from '../../helpers/project';

// engine tests are not about approvals: the approval gate (default: above low) is off here
export const ENGINE_CONFIG = 'name: test\nengine:\n  lockTimeout: 500ms\n  lockRetries: 1\n  retryBackoff: 50ms\nrisk:\n  requireApprovalAbove: null\n';

export function engineProject(files: Record<string, string>, config = ENGINE_CONFIG): TempProject & { open(): ReturnType<typeof openValidProject> } {
  const p = makeProject(files, config);
  return Object.assign(p, { open: () => openValidProject(p.dir) });
}

export { urlTarget };

/** A tracking schema as an older Confiture left it: steps 1..version applied, and recorded as such. */
export async function trackingSchemaAt(c: pg.ClientBase, version: number, schema = 'confiture'): Promise<void> {
  await c.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.schema_version (version int NOT NULL, upgraded_at timestamptz NOT NULL DEFAULT now())`);
  for (let i = 0; i < version; i++) {
    await c.query(TRACKING_STEPS[i]!(schema));
    await c.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [i + 1]);
  }
}
