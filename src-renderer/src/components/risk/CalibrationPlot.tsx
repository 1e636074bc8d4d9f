/**
 * Predicted vs measured duration of the statements of past real applies, on log axes: a point on
 * the diagonal is a perfect prediction; the dashed lines are ×2 either way; colour says whether the
 * measurement fell inside the predicted 90 % interval (issue 13 point 3, issue 10).
 */
import { CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { CalibrationPoint } from '../../../../src-shared/domain/risk';
import { formatDuration } from '../../../../src-shared/format';
import { useCalibration } from '../../api/risk';
import { Empty, ErrorPanel, Loading } from '../StateViews';

const floor = (ms: number) => Math.max(ms, 0.1);

function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
  return out;
}

function PointTip({ active, payload }: { active?: boolean; payload?: { payload: CalibrationPoint & { x: number; y: number } }[] }) {
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  return (
    <div className="chart-tip" role="status">
      <div>
        <code>{p.version}</code> statement #{p.statementIndex + 1} · {p.operation}
      </div>
      <div>
        predicted {formatDuration(p.predictedMs)} (90 %: {formatDuration(p.lowMs)}–{formatDuration(p.highMs)})
      </div>
      <div>
        measured <b>{formatDuration(p.actualMs)}</b> · {p.inside ? 'inside the interval' : <span className="bad-text">outside the interval</span>}
      </div>
      <div className="muted">{new Date(p.at).toLocaleString()}</div>
    </div>
  );
}

export function CalibrationPlot({ dir, connectionId }: { dir: string; connectionId: string | null }) {
  const q = useCalibration(dir, connectionId);
  if (!connectionId) return <p className="muted small">Connect to a database to see how past predictions compared with real applies.</p>;
  if (q.isLoading) return <Loading label="Reading past applies…" />;
  if (q.isError) return <ErrorPanel error={q.error} title="Cannot read past applies" onRetry={() => void q.refetch()} />;
  const data = q.data!;
  const refresh = (
    <button type="button" className="chip" onClick={() => void q.refetch()} disabled={q.isFetching} aria-label="Refresh past applies">
      {q.isFetching ? 'Reading…' : '↻ Refresh'}
    </button>
  );
  if (data.points.length === 0) return <Empty title="No past applies yet" action={refresh}>Each statement the Runner applies is compared with its prediction here.</Empty>;
  const pts = data.points.map((p) => ({ ...p, x: floor(p.predictedMs), y: floor(p.actualMs) }));
  const lo = Math.min(...pts.flatMap((p) => [p.x, p.y])) / 2;
  const hi = Math.max(...pts.flatMap((p) => [p.x, p.y])) * 2;
  const ticks = decades(lo, hi);
  const domain: [number, number] = [ticks[0]!, ticks[ticks.length - 1]!];
  const inside = pts.filter((p) => p.inside);
  const outside = pts.filter((p) => !p.inside);
  return (
    <figure className="calibration-plot" data-testid="calibration-plot" aria-label="Predicted vs measured duration of past applies">
      <figcaption className="small">
        {data.samples} statement{data.samples === 1 ? '' : 's'} applied with a prediction · {data.inside} inside the 90 % interval (
        {Math.round((100 * data.inside) / Math.max(1, data.samples))} %; target 90 %){data.points.length < data.samples ? ` · latest ${data.points.length} shown` : ''} {refresh}
      </figcaption>
      <ResponsiveContainer width="100%" height={320}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 36, left: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" name="predicted" scale="log" domain={domain} ticks={ticks} allowDataOverflow tickFormatter={(v: number) => formatDuration(v)} label={{ value: 'predicted duration (log scale)', position: 'bottom', offset: 16 }} />
          <YAxis type="number" dataKey="y" name="measured" scale="log" domain={domain} ticks={ticks} allowDataOverflow tickFormatter={(v: number) => formatDuration(v)} width={64} label={{ value: 'measured (log)', angle: -90, position: 'insideLeft', offset: -12 }} />
          <ReferenceLine segment={[{ x: domain[0], y: domain[0] }, { x: domain[1], y: domain[1] }]} stroke="#5d6778" ifOverflow="hidden" />
          <ReferenceLine segment={[{ x: domain[0], y: domain[0] * 2 }, { x: domain[1] / 2, y: domain[1] }]} stroke="#9aa3b2" strokeDasharray="4 4" ifOverflow="hidden" />
          <ReferenceLine segment={[{ x: domain[0] * 2, y: domain[0] }, { x: domain[1], y: domain[1] / 2 }]} stroke="#9aa3b2" strokeDasharray="4 4" ifOverflow="hidden" />
          <Tooltip content={<PointTip />} cursor={{ strokeDasharray: '3 3' }} />
          <Legend verticalAlign="top" height={24} />
          <Scatter name="inside the 90 % interval" data={inside} fill="#1f7a4d" />
          <Scatter name="outside" data={outside} fill="#b42318" shape="diamond" />
        </ScatterChart>
      </ResponsiveContainer>
      <p className="muted small">Solid line: measured = predicted. Dashed: ×2 either way.</p>
    </figure>
  );
}
