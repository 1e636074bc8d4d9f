import { openValidProject } from '../../../src-main/project';
import { urlTarget } from '../../../src-main/engine';
import { makeProject, type TempProject } from '../../helpers/project';

// engine tests are not about approvals: the approval gate (default: above low) is off here
export const ENGINE_CONFIG = 'name: test\nengine:\n  lockTimeout: 500ms\n  lockRetries: 1\n  retryBackoff: 50ms\nrisk:\n  requireApprovalAbove: null\n';

export function engineProject(files: Record<string, string>, config = ENGINE_CONFIG): TempProject & { open(): ReturnType<typeof openValidProject> } {
  const p = makeProject(files, config);
  return Object.assign(p, { open: () => openValidProject(p.dir) });
}

export { urlTarget };
