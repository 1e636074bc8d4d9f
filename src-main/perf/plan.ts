/**
 * EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) → a normalised plan tree, and the diff of two plans:
 * nodes are aligned (top-down by node type, relation and the relations below them; then
 * relation scans left over are matched by relation + alias anywhere in the tree), so
 * "Index Scan → Seq Scan on orders" is found even when the join above it changed shape.
 * Never a text diff: every number changes between two runs.
 */
import type { PlanChange, PlanDiff, PlanNode, PlanNodePair, PlanSummary } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';

type Raw = Record<string, unknown>;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

function sumPresent(raw: Raw, keys: string[]): number | null {
  let seen = false;
  let total = 0;
  for (const k of keys) {
    const v = num(raw[k]);
    if (v !== null) {
      seen = true;
      total += v;
    }
  }
  return seen ? total : null;
}

const DETAIL_KEYS = ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'Sort Key', 'Group Key', 'Cache Key'];

function detailOf(raw: Raw): string | null {
  const parts: string[] = [];
  for (const k of DETAIL_KEYS) {
    const v = raw[k];
    if (typeof v === 'string') parts.push(`${k}: ${v}`);
    else if (Array.isArray(v)) parts.push(`${k}: ${v.join(', ')}`);
  }
  return parts.length ? parts.join('; ') : null;
}

function normaliseNode(raw: Raw, id: string): PlanNode {
  const children = Array.isArray(raw.Plans) ? (raw.Plans as Raw[]).map((c, i) => normaliseNode(c, `${id}.${i}`)) : [];
  const estRows = num(raw['Plan Rows']) ?? 0;
  const actualRows = num(raw['Actual Rows']);
  const loops = num(raw['Actual Loops']);
  const perLoopMs = num(raw['Actual Total Time']);
  const totalMs = perLoopMs !== null ? perLoopMs * (loops ?? 1) : null;
  const childMs = children.reduce((s, c) => s + (c.totalMs ?? 0), 0);
  let estimateFactor: number | null = null;
  if (actualRows !== null && loops !== null && loops > 0) {
    const e = Math.max(estRows, 1);
    const a = Math.max(actualRows, 1);
    estimateFactor = Math.max(e / a, a / e);
  }
  return {
    id,
    nodeType: str(raw['Node Type']) ?? 'Unknown',
    relation: str(raw['Relation Name']) ?? str(raw['CTE Name']) ?? str(raw['Function Name']),
    alias: str(raw.Alias),
    index: str(raw['Index Name']),
    joinType: str(raw['Join Type']),
    strategy: str(raw.Strategy),
    parentRelationship: str(raw['Parent Relationship']),
    estRows,
    actualRows,
    loops,
    totalRows: actualRows !== null ? actualRows * (loops ?? 1) : null,
    estimateFactor,
    totalCost: num(raw['Total Cost']) ?? 0,
    totalMs,
    selfMs: totalMs !== null ? Math.max(0, totalMs - childMs) : null,
    sharedHit: num(raw['Shared Hit Blocks']),
    sharedRead: num(raw['Shared Read Blocks']),
    sharedDirtied: num(raw['Shared Dirtied Blocks']),
    tempRead: num(raw['Temp Read Blocks']),
    tempWritten: num(raw['Temp Written Blocks']),
    // PG ≤ 16: "I/O Read Time"; PG 17+: shared/local/temp split
    ioReadMs: sumPresent(raw, ['I/O Read Time', 'Shared I/O Read Time', 'Local I/O Read Time', 'Temp I/O Read Time']),
    ioWriteMs: sumPresent(raw, ['I/O Write Time', 'Shared I/O Write Time', 'Local I/O Write Time', 'Temp I/O Write Time']),
    rowsRemovedByFilter: num(raw['Rows Removed by Filter']),
    detail: detailOf(raw),
    children,
  };
}

export function walk(node: PlanNode, visit: (n: PlanNode, depth: number) => void, depth = 0): void {
  visit(node, depth);
  for (const c of node.children) walk(c, visit, depth + 1);
}

/** Accepts the raw EXPLAIN JSON output (`[{ "Plan": ... }]`, the object, or its JSON text). */
export function normalisePlan(explain: unknown): PlanSummary {
  let v = explain;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch (e) {
      throw new ConfitureError('invalid_input', `The plan is not valid JSON: ${(e as Error).message}`);
    }
  }
  if (Array.isArray(v)) v = v[0];
  if (!v || typeof v !== 'object' || !('Plan' in v) || typeof (v as Raw).Plan !== 'object') {
    throw new ConfitureError('invalid_input', 'Not an EXPLAIN (FORMAT JSON) document: no "Plan" at the top level');
  }
  const top = v as Raw;
  const root = normaliseNode(top.Plan as Raw, '0');
  let count = 0;
  let io = false;
  walk(root, (n) => {
    count++;
    if (n.ioReadMs !== null || n.ioWriteMs !== null) io = true;
  });
  const qid = top['Query Identifier'];
  return {
    root,
    planningMs: num(top['Planning Time']),
    executionMs: num(top['Execution Time']),
    nodeCount: count,
    ioTiming: io,
    queryId: typeof qid === 'number' || typeof qid === 'string' ? String(qid) : null,
  };
}

export function nodeLabel(n: PlanNode): string {
  const on = n.relation ? ` on ${n.relation}${n.alias && n.alias !== n.relation ? ` ${n.alias}` : ''}` : '';
  const idx = n.index ? ` using ${n.index}` : '';
  const join = n.joinType && n.joinType !== 'Inner' ? ` (${n.joinType})` : '';
  return `${n.nodeType}${join}${on}${idx}`;
}

// ---------------------------------------------------------------------------------------------
// alignment

function family(t: string): string {
  if (/Scan$/.test(t)) return 'scan';
  if (t === 'Nested Loop' || /Join$/.test(t)) return 'join';
  if (t === 'Aggregate' || t === 'HashAggregate' || t === 'GroupAggregate' || t === 'Group') return 'agg';
  if (t === 'Sort' || t === 'Incremental Sort') return 'sort';
  if (t === 'Gather' || t === 'Gather Merge') return 'gather';
  return t;
}

function relationsBelow(n: PlanNode, memo: Map<PlanNode, Set<string>>): Set<string> {
  const hit = memo.get(n);
  if (hit) return hit;
  const s = new Set<string>();
  if (n.relation) s.add(n.relation);
  for (const c of n.children) for (const r of relationsBelow(c, memo)) s.add(r);
  memo.set(n, s);
  return s;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let inter = 0;
  for (const x of a) if (b.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

const MATCH_MIN = 2;

/** Aligns two plan trees; every node of each appears in exactly one pair. */
export function alignPlans(base: PlanNode, current: PlanNode): PlanNodePair[] {
  const memo = new Map<PlanNode, Set<string>>();
  const matched = new Map<PlanNode, PlanNode>();
  const matchedB = new Set<PlanNode>();

  const sim = (x: PlanNode, y: PlanNode): number => {
    let s = 0;
    if (x.nodeType === y.nodeType) s += 2;
    else if (family(x.nodeType) === family(y.nodeType)) s += 1;
    if (x.relation && y.relation) s += x.relation === y.relation ? 3 : -3;
    else if (x.relation || y.relation) s -= 2;
    s += 2 * jaccard(relationsBelow(x, memo), relationsBelow(y, memo));
    if (x.parentRelationship === y.parentRelationship) s += 0.5;
    return s;
  };

  const pair = (x: PlanNode, y: PlanNode) => {
    matched.set(x, y);
    matchedB.add(y);
    alignChildren(x.children, y.children);
  };

  const alignChildren = (xs: PlanNode[], ys: PlanNode[]) => {
    if (xs.length === 0 || ys.length === 0) return;
    if (xs.length * ys.length > 10_000) {
      // huge Append/partition lists: exact key match in order, no quadratic scoring
      const byKey = new Map<string, PlanNode[]>();
      for (const y of ys) {
        const k = `${y.nodeType}|${y.relation ?? ''}|${y.alias ?? ''}`;
        (byKey.get(k) ?? byKey.set(k, []).get(k)!).push(y);
      }
      for (const x of xs) {
        const list = byKey.get(`${x.nodeType}|${x.relation ?? ''}|${x.alias ?? ''}`);
        const y = list?.shift();
        if (y) pair(x, y);
      }
      return;
    }
    // a node may have gained or lost a single-child wrapper (Gather Merge, Materialize, Hash,
    // Memoize …): candidates include the child of such a wrapper, at a small penalty
    const expand = (list: PlanNode[]) => {
      const out: { n: PlanNode; via: PlanNode | null; pos: number }[] = [];
      list.forEach((n, i) => {
        out.push({ n, via: null, pos: i });
        if (n.children.length === 1) out.push({ n: n.children[0]!, via: n, pos: i });
      });
      return out;
    };
    const ex = expand(xs);
    const ey = expand(ys);
    const cands: { x: PlanNode; y: PlanNode; vx: PlanNode | null; vy: PlanNode | null; s: number; d: number }[] = [];
    for (const a of ex)
      for (const b of ey) {
        if (a.via && b.via) continue;
        const s = sim(a.n, b.n) - (a.via || b.via ? 0.5 : 0);
        if (s >= MATCH_MIN) cands.push({ x: a.n, y: b.n, vx: a.via, vy: b.via, s, d: Math.abs(a.pos - b.pos) });
      }
    cands.sort((a, b) => b.s - a.s || a.d - b.d);
    const usedA = new Set<PlanNode>();
    const usedB = new Set<PlanNode>();
    for (const c of cands) {
      if (matched.has(c.x) || matchedB.has(c.y) || usedA.has(c.x) || usedB.has(c.y)) continue;
      if ((c.vx && (usedA.has(c.vx) || matched.has(c.vx))) || (c.vy && (usedB.has(c.vy) || matchedB.has(c.vy)))) continue;
      // a wrapper whose child was taken is left unmatched (added / removed)
      if (c.vx) usedA.add(c.vx);
      if (c.vy) usedB.add(c.vy);
      // the parent of a matched child cannot be matched to a wrapper-skipping partner anymore
      usedA.add(c.x);
      usedB.add(c.y);
      pair(c.x, c.y);
    }
  };

  pair(base, current);

  // relation scans left over: match by relation + alias anywhere (the join above them changed)
  const leftover = (root: PlanNode, isMatched: (n: PlanNode) => boolean) => {
    const m = new Map<string, PlanNode[]>();
    walk(root, (n) => {
      if (n.relation && !isMatched(n)) {
        const k = `${n.relation}|${n.alias ?? ''}`;
        (m.get(k) ?? m.set(k, []).get(k)!).push(n);
      }
    });
    return m;
  };
  const la = leftover(base, (n) => matched.has(n));
  const lb = leftover(current, (n) => matchedB.has(n));
  for (const [k, xs] of la) {
    const ys = lb.get(k);
    if (xs.length === 1 && ys && ys.length === 1 && !matchedB.has(ys[0]!)) pair(xs[0]!, ys[0]!);
  }

  const pairs: PlanNodePair[] = [];
  walk(base, (n) => pairs.push({ baseId: n.id, currentId: matched.get(n)?.id ?? null }));
  walk(current, (n) => {
    if (!matchedB.has(n)) pairs.push({ baseId: null, currentId: n.id });
  });
  return pairs;
}

export function indexNodes(root: PlanNode): Map<string, PlanNode> {
  const m = new Map<string, PlanNode>();
  walk(root, (n) => m.set(n.id, n));
  return m;
}

const blocks = (n: PlanNode) => (n.sharedHit ?? 0) + (n.sharedRead ?? 0);

/** Diffs two plans: structural changes (node type, index, added/removed) and metric deltas. */
export function diffPlans(base: PlanNode, current: PlanNode): PlanDiff {
  const pairs = alignPlans(base, current);
  const A = indexNodes(base);
  const B = indexNodes(current);
  const changes: PlanChange[] = [];
  for (const p of pairs) {
    const x = p.baseId ? A.get(p.baseId)! : null;
    const y = p.currentId ? B.get(p.currentId)! : null;
    if (x && !y) {
      changes.push({ kind: 'removed', baseId: x.id, currentId: null, relation: x.relation, structural: true, message: `removed: ${nodeLabel(x)}` });
      continue;
    }
    if (!x && y) {
      changes.push({ kind: 'added', baseId: null, currentId: y.id, relation: y.relation, structural: true, message: `added: ${nodeLabel(y)}` });
      continue;
    }
    if (!x || !y) continue;
    const rel = y.relation ?? x.relation;
    const on = rel ? ` on ${rel}` : '';
    if (x.nodeType !== y.nodeType) {
      changes.push({ kind: 'node_type', baseId: x.id, currentId: y.id, relation: rel, structural: true, message: `${x.nodeType} → ${y.nodeType}${on}` });
    } else if ((x.index ?? '') !== (y.index ?? '')) {
      changes.push({
        kind: 'index',
        baseId: x.id,
        currentId: y.id,
        relation: rel,
        structural: true,
        message: `${y.nodeType}${on}: index ${x.index ?? '(none)'} → ${y.index ?? '(none)'}`,
      });
    }
    if (y.estimateFactor !== null && y.estimateFactor >= 10 && (x.estimateFactor === null || y.estimateFactor >= 2 * x.estimateFactor)) {
      changes.push({
        kind: 'estimate',
        baseId: x.id,
        currentId: y.id,
        relation: rel,
        structural: false,
        message: `${nodeLabel(y)}: row estimate off by ${y.estimateFactor.toFixed(0)}× (estimated ${y.estRows}, actual ${y.actualRows ?? '?'} per loop)`,
      });
    }
    if (x.totalRows !== null && y.totalRows !== null) {
      const hi = Math.max(x.totalRows, y.totalRows);
      const lo = Math.max(1, Math.min(x.totalRows, y.totalRows));
      if (hi / lo >= 2 && hi - lo >= 100) {
        changes.push({ kind: 'rows', baseId: x.id, currentId: y.id, relation: rel, structural: false, message: `${nodeLabel(y)}: rows ${x.totalRows} → ${y.totalRows}` });
      }
    }
    const bx = blocks(x);
    const by = blocks(y);
    if (Math.abs(by - bx) >= 100 && Math.max(bx, by) / Math.max(1, Math.min(bx, by)) >= 1.5) {
      changes.push({
        kind: 'buffers',
        baseId: x.id,
        currentId: y.id,
        relation: rel,
        structural: false,
        message: `${nodeLabel(y)}: buffers ${bx} → ${by} (hit ${x.sharedHit ?? 0} → ${y.sharedHit ?? 0}, read ${x.sharedRead ?? 0} → ${y.sharedRead ?? 0})`,
      });
    }
    if (x.selfMs !== null && y.selfMs !== null && Math.abs(y.selfMs - x.selfMs) >= 1 && Math.max(x.selfMs, y.selfMs) / Math.max(0.001, Math.min(x.selfMs, y.selfMs)) >= 2) {
      changes.push({
        kind: 'time',
        baseId: x.id,
        currentId: y.id,
        relation: rel,
        structural: false,
        message: `${nodeLabel(y)}: self time ${x.selfMs.toFixed(2)} → ${y.selfMs.toFixed(2)} ms`,
      });
    }
  }
  const structural = changes.filter((c) => c.structural);
  const typeChanges = structural.filter((c) => c.kind === 'node_type' || c.kind === 'index');
  let summary: string | null = null;
  if (typeChanges.length > 0) {
    // the change on a relation first: that is what a DBA looks for
    const first = typeChanges.find((c) => c.relation) ?? typeChanges[0]!;
    summary = first.message + (structural.length > 1 ? ` (+${structural.length - 1} more plan change${structural.length > 2 ? 's' : ''})` : '');
  } else if (structural.length > 0) {
    summary = `plan shape changed: ${structural
      .slice(0, 3)
      .map((c) => c.message)
      .join(', ')}${structural.length > 3 ? ', …' : ''}`;
  }
  return { changed: structural.length > 0, summary, pairs, changes };
}
