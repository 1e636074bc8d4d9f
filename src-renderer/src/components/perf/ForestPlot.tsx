/**
 * Forest plot: every compared query's after/before ratio with its interval on one log axis, the
 * practical-threshold band shaded around ×1. Dots coloured by verdict; click or Enter selects.
 */
import { CartesianGrid, ErrorBar, ReferenceArea, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { Verdict } from '../../../../src-shared/domain/perf';

export interface ForestRow {
  id: string;
  ratio: number;
  ci: [number, number];
  verdict: Verdict;
  /** deterministic evidence says the work changed (plan, buffers, rows) */
  certain?: boolean;
}

export const VERDICT_COLOUR: Record<Verdict, string> = { regression: '#b3261e', improvement: '#1e7b34', unchanged: '#666', inconclusive: '#a66a00' };

const ROW = 22;
const fmtRatio = (v: number) => (v >= 10 ? `×${v.toFixed(0)}` : v >= 2 ? `×${v.toFixed(1)}` : `×${v.toFixed(2)}`);

interface Point extends ForestRow {
  err: [number, number];
  label: string;
}

function TooltipBody({ active, payload, level }: { active?: boolean; payload?: { payload: Point }[]; level: number }) {
  if (!active || !payload?.length) return null;
  const p = payload[0]!.payload;
  return (
    <div className="chart-tooltip" role="tooltip">
      <strong>
        <code>{p.id}</code>
      </strong>
      <div>
        ratio {fmtRatio(p.ratio)} ({p.ratio >= 1 ? '+' : '−'}
        {Math.abs((p.ratio - 1) * 100).toFixed(1)} %)
      </div>
      <div>
        {(level * 100).toFixed(0)} % interval [{p.ci[0].toFixed(3)}, {p.ci[1].toFixed(3)}]
      </div>
      <div style={{ color: VERDICT_COLOUR[p.verdict] }}>{p.verdict}</div>
      {p.certain ? <div className="warning">certain change of work (plan / buffers / rows)</div> : null}
    </div>
  );
}

export function ForestPlot({
  rows,
  threshold,
  level,
  onSelect,
  caption,
}: {
  rows: ForestRow[];
  threshold: number;
  level: number;
  onSelect?: (id: string) => void;
  caption: string;
}) {
  if (rows.length === 0) return <p className="muted small">No compared query to plot.</p>;
  const sorted = [...rows].sort((a, b) => b.ratio - a.ratio);
  const maxLabel = Math.max(...sorted.map((r) => r.id.length));
  // the y axis gets the room its longest label needs (≈ 7 px a character at 12 px), capped; longer ids are shortened with … (full id in the tooltip)
  const chars = Math.min(maxLabel, 34);
  const yWidth = Math.max(80, chars * 7 + 12);
  const data: Point[] = sorted.map((r) => ({
    ...r,
    label: r.id.length > chars ? `${r.id.slice(0, chars - 1)}…` : r.id,
    err: [Math.max(0, r.ratio - r.ci[0]), Math.max(0, r.ci[1] - r.ratio)],
  }));
  const up = 1 + threshold;
  const finite = data.flatMap((d) => [d.ci[0], d.ci[1], d.ratio]).filter((v) => v > 0 && Number.isFinite(v));
  const lo = Math.min(1 / up, ...finite) / 1.15;
  const hi = Math.max(up, ...finite) * 1.15;
  const height = data.length * ROW + 70;
  // readable log ticks: the usual ratios inside the domain
  const ticks = [0.1, 0.2, 0.33, 0.5, 0.67, 0.8, 0.91, 1, 1.1, 1.25, 1.5, 2, 3, 5, 10, 20, 50, 100].filter((t) => t >= lo && t <= hi);
  const colourOf = (v: Verdict) => VERDICT_COLOUR[v];
  return (
    <figure className="perf-forest" aria-label={`Forest plot: ${caption}`}>
      <div style={{ width: '100%', height }}>
        <ResponsiveContainer width="100%" height="100%">
          <ScatterChart margin={{ top: 8, right: 24, bottom: 28, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <ReferenceArea x1={1 / up} x2={up} fill="#9e9e9e" fillOpacity={0.15} ifOverflow="extendDomain" />
            <XAxis
              type="number"
              dataKey="ratio"
              scale="log"
              domain={[lo, hi]}
              allowDataOverflow
              ticks={ticks}
              interval="preserveStartEnd"
              tickFormatter={(v: number) => fmtRatio(v)}
              label={{ value: 'after / before ratio (log scale; ×1 = no change)', position: 'insideBottom', offset: -18, fontSize: 12 }}
            />
            <YAxis type="category" dataKey="label" width={yWidth} interval={0} tick={{ fontSize: 12 }} allowDuplicatedCategory={false} />
            <ReferenceLine x={1} stroke="#333" strokeWidth={1.5} />
            <Tooltip content={<TooltipBody level={level} />} cursor={{ strokeDasharray: '3 3' }} />
            <Scatter
              data={data}
              isAnimationActive={false}
              onClick={(p: unknown) => {
                const id = (p as { payload?: Point })?.payload?.id;
                if (id && onSelect) onSelect(id);
              }}
              shape={(props: unknown) => {
                const { cx, cy, payload } = props as { cx: number; cy: number; payload: Point };
                const c = colourOf(payload.verdict);
                return payload.certain ? (
                  <rect x={cx - 5} y={cy - 5} width={10} height={10} fill={c} stroke="#000" strokeWidth={1} style={{ cursor: 'pointer' }} />
                ) : (
                  <circle cx={cx} cy={cy} r={5} fill={c} style={{ cursor: 'pointer' }} />
                );
              }}
            >
              <ErrorBar dataKey="err" direction="x" width={6} stroke="#555" strokeWidth={1.5} />
            </Scatter>
          </ScatterChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted small chart-legend">
        {(['regression', 'improvement', 'inconclusive', 'unchanged'] as const).map((v) => (
          <span key={v}>
            <span className="swatch" style={{ background: VERDICT_COLOUR[v] }} aria-hidden="true" /> {v}
          </span>
        ))}
        <span>
          <span className="swatch swatch-outline" aria-hidden="true" /> square: certain change of work
        </span>
        <span>
          <span className="swatch" style={{ background: '#9e9e9e', opacity: 0.4 }} aria-hidden="true" /> ±{(threshold * 100).toFixed(0)} % practical threshold
        </span>
        <span>Bars: {(level * 100).toFixed(0)} % intervals. {caption}</span>
      </figcaption>
    </figure>
  );
}
