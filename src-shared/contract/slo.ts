import { z } from 'zod';
import { procedure } from './define';
import type { SloReport } from '../domain/slo';

const dir = z.string().min(1).max(4096);
const connectionId = z.string().min(1).max(64);

export const sloProcedures = {
  /** every objective of confiture.yaml `slo:` over the run history of the connection's database */
  'slo/report': procedure<SloReport>()(
    z
      .object({
        dir,
        connectionId,
        /** evaluate every objective over this window instead of its own, e.g. `7d` */
        window: z.string().regex(/^\d+(\.\d+)?\s*(ms|s|min|h|d|w)$/, 'a window such as 30d, 7d or 24h').optional(),
      })
      .strict(),
  ),
} as const;
