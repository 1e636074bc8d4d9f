/** Strip plot of the two timing distributions of one query, with both medians. */
import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** deterministic jitter so the plot does not move between renders */
const jitter = (i: number) => (((i * 2654435761) % 1000) / 1000 - 0.5) * 0.5;

export function Distribution({ baseline, current }: { baseline: number[]; current: number[] }) {
  const a = baseline.map((ms, i) => ({ x: 0 + jitter(i), ms }));
  const b = current.map((ms, i) => ({ x: 1 + jitter(i + 7), ms }));
  const ma = median(baseline);
  const mb = median(current);
  // log axis with a margin around every run: no dot is clipped at the edges
  const all = [...baseline, ...current].filter((v) => v > 0);
  const lo = all.length ? Math.min(...all) / 1.3 : 0.001;
  const hi = all.length ? Math.max(...all) * 1.3 : 1;
  return (
    <figure aria-label={`Timings: baseline median ${ma.toFixed(3)} ms over ${baseline.length} runs, current median ${mb.toFixed(3)} ms over ${current.length} runs`}>
      <ResponsiveContainer width="100%" height={220}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" domain={[-0.5, 1.5]} ticks={[0, 1]} tickFormatter={(v: number) => (v === 0 ? 'baseline' : 'current')} />
          <YAxis type="number" dataKey="ms" scale="log" domain={[lo, hi]} allowDataOverflow width={70} tickFormatter={(v: number) => `${v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ms`} label={{ value: 'run time (log)', angle: -90, position: 'insideLeft', offset: 0, fontSize: 11, dy: 40 }} />
          <Tooltip cursor={false} formatter={(v, n) => (n === 'ms' ? [`${Number(v).toFixed(3)} ms`, 'run time'] : null)} labelFormatter={() => ''} />
          <Scatter name="baseline" data={a} fill="#4a78c2" fillOpacity={0.6} />
          <Scatter name="current" data={b} fill="#d0643c" fillOpacity={0.6} />
          <ReferenceLine segment={[{ x: -0.3, y: ma }, { x: 0.3, y: ma }]} stroke="#1d3f7a" strokeWidth={2} />
          <ReferenceLine segment={[{ x: 0.7, y: mb }, { x: 1.3, y: mb }]} stroke="#8a2f12" strokeWidth={2} />
        </ScatterChart>
      </ResponsiveContainer>
      <figcaption className="muted small chart-legend">
        <span>
          <span className="swatch" style={{ background: '#4a78c2' }} aria-hidden="true" /> baseline: {baseline.length} runs, median {ma.toFixed(3)} ms
        </span>
        <span>
          <span className="swatch" style={{ background: '#d0643c' }} aria-hidden="true" /> current: {current.length} runs, median {mb.toFixed(3)} ms
        </span>
        <span>Each dot is one timed run; the dark bars are the medians.</span>
      </figcaption>
    </figure>
  );
}
