/**
 * A plan tree with per-node time and rows. Large plans stay responsive: nodes below depth 3
 * start collapsed when the plan has more than 200 nodes, and only the visible rows of the
 * flattened tree are rendered (fixed-height windowing).
 */
import { useMemo, useState, type KeyboardEvent, type UIEvent } from 'react';
import type { PlanNode, PlanSummary } from '../../../../src-shared/domain/perf';

const ROW = 24;
const VIEW_ROWS = 24;

interface Row {
  node: PlanNode;
  depth: number;
  hasChildren: boolean;
}

function fmtMs(ms: number | null): string {
  if (ms === null) return '—';
  return ms < 1 ? `${ms.toFixed(3)} ms` : ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export function PlanTree({ plan, highlight, label }: { plan: PlanSummary; highlight: Map<string, string>; label: string }) {
  const big = plan.nodeCount > 200;
  const [collapsed, setCollapsed] = useState<Set<string>>(() => {
    const s = new Set<string>();
    if (big) {
      const walk = (n: PlanNode, d: number) => {
        if (d >= 3 && n.children.length) s.add(n.id);
        n.children.forEach((c) => walk(c, d + 1));
      };
      walk(plan.root, 0);
    }
    return s;
  });
  const [scroll, setScroll] = useState(0);
  const [focus, setFocus] = useState(0);
  const rows = useMemo(() => {
    const out: Row[] = [];
    const walk = (n: PlanNode, depth: number) => {
      out.push({ node: n, depth, hasChildren: n.children.length > 0 });
      if (!collapsed.has(n.id)) n.children.forEach((c) => walk(c, depth + 1));
    };
    walk(plan.root, 0);
    return out;
  }, [plan, collapsed]);
  const maxMs = plan.root.totalMs ?? 0;
  const toggle = (id: string) =>
    setCollapsed((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const first = Math.max(0, Math.floor(scroll / ROW) - 4);
  const visible = rows.slice(first, first + VIEW_ROWS + 8);
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const row = rows[focus];
    if (e.key === 'ArrowDown') setFocus((f) => Math.min(rows.length - 1, f + 1));
    else if (e.key === 'ArrowUp') setFocus((f) => Math.max(0, f - 1));
    else if ((e.key === 'ArrowRight' || e.key === 'ArrowLeft' || e.key === 'Enter') && row?.hasChildren) {
      if (e.key === 'Enter' || collapsed.has(row.node.id) === (e.key === 'ArrowRight')) toggle(row.node.id);
    } else return;
    e.preventDefault();
  };
  return (
    <div className="plan-tree">
      <p className="muted small">
        {label}: {plan.nodeCount} nodes · execution {fmtMs(plan.executionMs)} · planning {fmtMs(plan.planningMs)}
        {plan.ioTiming ? '' : ' · no I/O timing'}
        {big ? ' · large plan: deep nodes collapsed' : ''}
      </p>
      <div
        role="tree"
        aria-label={label}
        tabIndex={0}
        onKeyDown={onKey}
        onScroll={(e: UIEvent<HTMLDivElement>) => setScroll(e.currentTarget.scrollTop)}
        style={{ height: Math.min(rows.length, VIEW_ROWS) * ROW + 4, overflowY: 'auto', position: 'relative' }}
      >
        <div style={{ height: rows.length * ROW, position: 'relative' }}>
          {visible.map((r, k) => {
            const i = first + k;
            const n = r.node;
            const change = highlight.get(n.id);
            const share = maxMs > 0 && n.selfMs !== null ? n.selfMs / maxMs : 0;
            return (
              <div
                key={n.id}
                role="treeitem"
                aria-level={r.depth + 1}
                aria-expanded={r.hasChildren ? !collapsed.has(n.id) : undefined}
                aria-selected={i === focus}
                title={[n.detail, change].filter(Boolean).join('\n') || undefined}
                className={`plan-node${change ? ' plan-node-changed' : ''}${i === focus ? ' plan-node-focus' : ''}`}
                onClick={() => {
                  setFocus(i);
                  if (r.hasChildren) toggle(n.id);
                }}
                style={{ position: 'absolute', top: i * ROW, height: ROW, left: 0, right: 0, paddingLeft: 8 + r.depth * 16, whiteSpace: 'nowrap', background: change ? 'rgba(220, 80, 60, 0.15)' : undefined }}
              >
                <span aria-hidden="true">{r.hasChildren ? (collapsed.has(n.id) ? '▸ ' : '▾ ') : '  '}</span>
                <strong>{n.nodeType}</strong>
                {n.relation ? <span> on {n.relation}</span> : null}
                {n.index ? <span className="muted"> using {n.index}</span> : null}
                <span className="muted">
                  {' '}
                  · self {fmtMs(n.selfMs)} ({(share * 100).toFixed(0)} %) · rows {n.actualRows ?? '?'} / est {n.estRows}
                  {n.loops && n.loops > 1 ? ` × ${n.loops} loops` : ''}
                  {n.estimateFactor !== null && n.estimateFactor >= 10 ? ` · estimate off ${n.estimateFactor.toFixed(0)}×` : ''}
                  {n.sharedHit !== null ? ` · buffers hit ${n.sharedHit} read ${n.sharedRead ?? 0}` : ''}
                </span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
