/** One query's median run time across baselines (oldest first), its interquartile range shaded. */
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PerfHistory } from '../../../../src-shared/domain/perf';

interface Row {
  baseline: string;
  name: string;
  createdAt: string;
  medianMs: number;
  iqr: [number, number];
  runs: number;
  highlight: boolean;
}

const ms = (v: number) => `${v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`;
const shortDate = (iso: string) => iso.slice(5, 16).replace('T', ' ');

function TooltipBody({ active, payload }: { active?: boolean; payload?: { payload: Row }[] }) {
  if (!active || !payload?.length) return null;
  const r = payload[0]!.payload;
  return (
    <div className="chart-tooltip" role="tooltip">
      <strong>{r.name}</strong> <span className="muted">{r.createdAt.replace('T', ' ').slice(0, 19)} UTC</span>
      <div>median {ms(r.medianMs)}</div>
      <div>
        interquartile {ms(r.iqr[0])} – {ms(r.iqr[1])}
      </div>
      <div className="muted">{r.runs} runs</div>
    </div>
  );
}

export function HistoryChart({ history, queryId, highlight }: { history: PerfHistory; queryId: string; highlight: string[] }) {
  const series = history.series.find((s) => s.id === queryId);
  const meta = new Map(history.baselines.map((b) => [b.id, b]));
  const rows: Row[] = (series?.points ?? []).map((p) => {
    const b = meta.get(p.baseline)!;
    return { baseline: p.baseline, name: b.name, createdAt: b.createdAt, medianMs: p.medianMs, iqr: [p.q1Ms, p.q3Ms], runs: p.runs, highlight: highlight.includes(p.baseline) };
  });
  if (rows.length < 2) {
    return (
      <p className="muted small" role="note">
        {rows.length === 0 ? 'No saved baseline has this query yet.' : 'Only one saved baseline has this query: its history starts with the next capture.'}
      </p>
    );
  }
  const maxY = Math.max(...rows.map((r) => r.iqr[1]));
  return (
    <figure aria-label={`History of ${queryId}: median over ${rows.length} baselines, from ${ms(rows[0]!.medianMs)} to ${ms(rows[rows.length - 1]!.medianMs)}`}>
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={rows} margin={{ top: 8, right: 24, bottom: 14, left: 22 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="baseline"
            interval="preserveStartEnd"
            padding={{ left: 60, right: 60 }}
            height={40}
            tick={{ fontSize: 11 }}
            tickFormatter={(id: string) => {
              const b = meta.get(id);
              return b ? `${b.name.length > 14 ? `${b.name.slice(0, 13)}…` : b.name} ${shortDate(b.createdAt)}` : id;
            }}
            label={{ value: 'baseline (name, capture time UTC)', position: 'insideBottom', offset: -2, fontSize: 11 }}
          />
          <YAxis domain={[0, maxY * 1.1]} width={64} tickFormatter={(v: number) => ms(v)} label={{ value: 'run time', angle: -90, position: 'left', offset: 2, fontSize: 11 }} />
          <Tooltip content={<TooltipBody />} />
          <Area type="linear" dataKey="iqr" stroke="none" fill="#4a78c2" fillOpacity={0.2} isAnimationActive={false} name="interquartile range" />
          <Line
            type="linear"
            dataKey="medianMs"
            stroke="#1d3f7a"
            strokeWidth={2}
            isAnimationActive={false}
            name="median"
            dot={(props: unknown) => {
              const { cx, cy, payload, index } = props as { cx: number; cy: number; payload: Row; index: number };
              return <circle key={index} cx={cx} cy={cy} r={payload.highlight ? 6 : 3.5} fill={payload.highlight ? '#d0643c' : '#1d3f7a'} stroke="#fff" strokeWidth={1} />;
            }}
          />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="muted small chart-legend">
        <span>
          <span className="swatch" style={{ background: '#1d3f7a' }} aria-hidden="true" /> median per baseline
        </span>
        <span>
          <span className="swatch" style={{ background: '#4a78c2', opacity: 0.35 }} aria-hidden="true" /> interquartile range (25–75 %)
        </span>
        <span>
          <span className="swatch" style={{ background: '#d0643c' }} aria-hidden="true" /> the two baselines compared
        </span>
        <span>Oldest first: this query in {rows.length} of the last {history.baselines.length} saved baselines (at most 30).</span>
      </figcaption>
    </figure>
  );
}
