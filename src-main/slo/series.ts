/**
 * SLO trends: per objective, the SLI and the remaining error budget over the window (cumulative
 * from the window's start, bucketed), the burn rate of each bucket, and the bad events (with
 * their run) to mark on the chart. Same events as the report (events.ts), on the server's clock.
 */
import type pg from 'pg';
import type { SloSeries, SloSeriesPoint } from '../../src-shared/domain/desk';
import { quoteIdent } from '../db';
import { SloConfigSchema, parseSpan, type SloConfig } from './config';
import { ev, eventDetail, eventSource } from './events';

type Queryable = Pick<pg.Pool, 'query'>;

export async function sloSeries(db: Queryable, project: { trackingSchema: string; config: { slo?: SloConfig } }, opts: { window?: string; buckets?: number } = {}): Promise<SloSeries[]> {
  const cfg = project.config.slo ?? SloConfigSchema.parse({});
  const n = opts.buckets ?? 30;
  const nowMs = Number((await db.query<{ now: string }>('SELECT (extract(epoch FROM now()) * 1000)::float8 AS now')).rows[0]!.now);
  const out: SloSeries[] = [];
  for (const o of cfg.objectives) {
    const window = opts.window ?? o.window;
    const windowMs = parseSpan(window) ?? 30 * 86_400_000;
    const startMs = nowMs - windowMs;
    const bucketMs = windowMs / n;
    const counts = Array.from({ length: n }, () => ({ total: 0, good: 0 }));
    const bad: SloSeries['violations'] = [];
    const src = await eventSource(db, project.trackingSchema, o.sli);
    if (src) {
      const s = quoteIdent(project.trackingSchema);
      const r = await db.query<{ b: number; total: number; good: number }>(
        `WITH ${ev(o.sli, s, src)}
         SELECT least(floor((extract(epoch FROM at) * 1000 - $3::float8) / $4::float8)::int, $5::int - 1) AS b, count(*)::int AS total, count(*) FILTER (WHERE good)::int AS good
         FROM ev WHERE at > to_timestamp($3::float8 / 1000) GROUP BY 1`,
        [o.kinds, o.threshold ?? null, startMs, bucketMs, n],
      );
      for (const row of r.rows) if (row.b >= 0 && row.b < n) counts[row.b] = { total: row.total, good: row.good };
      const v = await db.query<{ at: Date; run_id: string; version: string | null; detail: string | null; blocked: unknown }>(
        `WITH ${ev(o.sli, s, src)} SELECT at, run_id, version, detail, blocked FROM ev WHERE at > to_timestamp($3::float8 / 1000) AND NOT good ORDER BY at DESC LIMIT $4`,
        [o.kinds, o.threshold ?? null, startMs, Math.max(cfg.violationLimit, 1)],
      );
      for (const x of v.rows) bad.push({ at: x.at.getTime(), runId: x.run_id, version: x.version, detail: eventDetail(x) });
    }
    const allowedShare = 1 - o.objective;
    let cumTotal = 0;
    let cumGood = 0;
    const points: SloSeriesPoint[] = counts.map((c, i) => {
      cumTotal += c.total;
      cumGood += c.good;
      const cumBad = cumTotal - cumGood;
      const burn = c.total > 0 && allowedShare > 0 ? (c.total - c.good) / c.total / allowedShare : null;
      return {
        t: Math.round(startMs + (i + 1) * bucketMs),
        total: c.total,
        bad: c.total - c.good,
        sli: cumTotal > 0 ? cumGood / cumTotal : null,
        budgetRemaining: cumTotal > 0 && allowedShare > 0 ? 1 - cumBad / (allowedShare * cumTotal) : null,
        burnRate: burn,
        fastBurn: burn !== null && burn > cfg.fastBurnRate,
      };
    });
    out.push({ id: o.id, sli: o.sli, objective: o.objective, window, startMs: Math.round(startMs), endMs: Math.round(nowMs), bucketMs: Math.round(bucketMs), fastBurnRate: cfg.fastBurnRate, points, violations: bad });
  }
  return out;
}
