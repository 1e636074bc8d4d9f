import type { Handlers } from '../router';
import { openProject } from '../../project';
import { sloReport } from '../../slo';

export const sloHandlers: Pick<Handlers, 'slo/report'> = {
  'slo/report': async ({ dir, connectionId, window }, ctx) => {
    const project = openProject(dir);
    return sloReport(ctx.connections.pool(connectionId), project, window !== undefined ? { window } : {});
  },
};
