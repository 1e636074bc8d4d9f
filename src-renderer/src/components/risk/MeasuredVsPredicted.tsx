/** After a rehearsal: each statement's measured duration next to what the model predicted without it. */
import type { MigrationRisk } from '../../../../src-shared/domain/risk';
import { formatDuration } from '../../../../src-shared/format';

const VERDICT: Record<string, { text: string; cls: string }> = {
  inside: { text: 'inside', cls: 'ok' },
  outside: { text: 'outside', cls: 'warning' },
  far_outside: { text: 'anomaly', cls: 'bad-text' },
  not_measured: { text: 'not measured', cls: 'muted' },
};

export function MeasuredVsPredicted({ m }: { m: MigrationRisk }) {
  const rows = m.statements.filter((s) => s.rehearsal);
  if (rows.length === 0) return <p className="muted small" data-testid="measured-vs-predicted">Never rehearsed: run a dry-run in the Runner to measure each statement against its prediction.</p>;
  return (
    <table className="grid compact" aria-label="Measured vs predicted" data-testid="measured-vs-predicted">
      <thead>
        <tr>
          <th scope="col">#</th>
          <th scope="col">Statement</th>
          <th scope="col" className="num">Predicted (90 %)</th>
          <th scope="col" className="num">Measured</th>
          <th scope="col">Verdict</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const p = s.rehearsal!.predictedMs;
          const v = VERDICT[s.rehearsal!.verdict ?? 'not_measured']!;
          return (
            <tr key={s.index}>
              <td>{s.index + 1}</td>
              <td>
                <code>{s.kind}</code> <span className="muted small">{s.operation}</span>
              </td>
              <td className="num">{p ? `${formatDuration(p.estimate)} (${formatDuration(p.low)}–${formatDuration(p.high)})` : '—'}</td>
              <td className="num">
                <b>{s.rehearsal!.durationMs === null ? '—' : formatDuration(s.rehearsal!.durationMs)}</b>
              </td>
              <td className={v.cls} title={s.rehearsal!.anomalies.join('\n') || undefined}>
                {v.text}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
