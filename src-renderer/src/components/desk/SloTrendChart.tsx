/**
 * An objective's trend over its window: SLI and remaining error budget (cumulative from the
 * window's start), the objective as a reference line, fast-burn buckets shaded, and the bad events
 * marked (click one to see its run id and detail).
 */
import { useState } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from '@tanstack/react-query';
import type { SloSeries } from '../../../../src-shared/domain/desk';
import { client } from '../../api/client';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);
const day = (t: number) => new Date(t).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });

export function useSloSeries(dir: string | null, connectionId: string | null, window: string | null) {
  return useQuery({
    queryKey: ['project', dir ?? '', 'slo-series', connectionId ?? '', window ?? 'own'],
    queryFn: () => client.api.slo.series({ dir: dir!, connectionId: connectionId!, ...(window ? { window } : {}) }),
    enabled: dir !== null && connectionId !== null,
  });
}

export function SloTrendChart({ s }: { s: SloSeries }) {
  const [picked, setPicked] = useState<SloSeries['violations'][number] | null>(null);
  const data = s.points.map((p) => ({ t: p.t, sli: p.sli === null ? null : p.sli * 100, budget: p.budgetRemaining === null ? null : Math.max(-100, p.budgetRemaining * 100), burn: p.burnRate, fast: p.fastBurn }));
  const marks = s.violations.map((v) => ({ t: v.at, y: 0, v }));
  return (
    <figure className="slo-trend" aria-label={`Trend of ${s.id} over ${s.window}`} data-testid={`slo-trend-${s.id}`}>
      <div style={{ width: '100%', height: 220 }}>
        <ResponsiveContainer>
          <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" domain={[s.startMs, s.endMs]} scale="time" tickFormatter={day} label={{ value: 'date', position: 'insideBottomRight', offset: -4 }} />
            <YAxis domain={[-100, 100]} allowDataOverflow ticks={[-100, -50, 0, 50, 100]} tickFormatter={(v: number) => `${v} %`} width={58} />
            <Tooltip
              labelFormatter={(t) => new Date(Number(t)).toLocaleString()}
              formatter={(v, name) => (name === 't' ? [new Date(Number(v)).toLocaleString(), 'when'] : [typeof v === 'number' ? `${v.toFixed(1)} %` : String(v), String(name)])}
            />
            <Legend />
            {data.filter((d) => d.fast).map((d) => (
              <ReferenceArea key={d.t} x1={d.t - s.bucketMs} x2={d.t} fill="#b42318" fillOpacity={0.12} ifOverflow="hidden" />
            ))}
            <ReferenceLine y={s.objective * 100} stroke="#5d6778" strokeDasharray="4 4" label={{ value: `objective ${pct(s.objective)}`, position: 'insideTopLeft', fontSize: 11 }} />
            <Line type="stepAfter" dataKey="sli" name="SLI (good events)" stroke="#2456a6" dot={false} connectNulls isAnimationActive={false} />
            <Line type="stepAfter" dataKey="budget" name="Error budget left (floor −100 %)" stroke="#1f7a4d" dot={false} connectNulls isAnimationActive={false} />
            <Scatter data={marks} dataKey="y" name="Violating event (click)" tooltipType="none" fill="#b42318" shape="diamond" onClick={(p: { payload?: { v: SloSeries['violations'][number] } }) => p.payload && setPicked(p.payload.v)} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted small">
        Shaded: buckets burning faster than {s.fastBurnRate}× the budget (burn-rate alert). Diamonds: violating events.
      </figcaption>
      {picked ? (
        <p className="small" role="status" data-testid="slo-picked">
          Run <code>{picked.runId}</code> at {new Date(picked.at).toLocaleString()}
          {picked.version ? ` · ${picked.version}` : ''}
          {picked.detail ? ` — ${picked.detail}` : ''}
        </p>
      ) : null}
    </figure>
  );
}

export function SloTrends({ dir, connectionId, window }: { dir: string | null; connectionId: string | null; window: string | null }) {
  const series = useSloSeries(dir, connectionId, window);
  if (!series.data || series.data.length === 0) return null;
  return (
    <section className="slo-trends" aria-labelledby="slo-trends-title">
      <h3 id="slo-trends-title" className="section-title">
        Trends over the window
      </h3>
      <div className="slo-cards">
        {series.data.map((s) => (
          <div key={s.id} className="card">
            <h4>{s.id}</h4>
            <SloTrendChart s={s} />
          </div>
        ))}
      </div>
    </section>
  );
}
