import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { alignPlans, diffPlans, normalisePlan, walkPlan } from '../../../src-main/perf';
import type { PlanNode } from '../../../src-shared/domain/perf';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/perf', name), 'utf8'));

describe('normalisePlan on real EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) output', () => {
  it('reads node types, relations, estimated vs actual rows, loops and buffers', () => {
    const p = normalisePlan(fixture('orders_by_customer.index.json'));
    const nodes: PlanNode[] = [];
    walkPlan(p.root, (n) => nodes.push(n));
    expect(p.root.nodeType).toBe('Limit');
    const heap = nodes.find((n) => n.nodeType === 'Bitmap Heap Scan')!;
    expect(heap.relation).toBe('orders');
    expect(heap.actualRows).toBe(10);
    expect(heap.loops).toBe(1);
    expect(heap.estRows).toBeGreaterThan(0);
    expect(heap.sharedHit).not.toBeNull();
    const idx = nodes.find((n) => n.nodeType === 'Bitmap Index Scan')!;
    expect(idx.index).toBe('orders_customer_idx');
    expect(p.executionMs).toBeGreaterThan(0);
    expect(p.nodeCount).toBe(nodes.length);
    // self time never exceeds inclusive time
    for (const n of nodes) if (n.totalMs !== null) expect(n.selfMs!).toBeLessThanOrEqual(n.totalMs + 1e-9);
  });

  it('rejects a document that is not an EXPLAIN JSON plan, saying why', () => {
    expect(() => normalisePlan({ foo: 1 })).toThrow(/no "Plan"/);
    expect(() => normalisePlan('{not json')).toThrow(/not valid JSON/);
  });
});

describe('plan diff', () => {
  it('finds Bitmap Heap Scan → Seq Scan on orders after the index is dropped', () => {
    const a = normalisePlan(fixture('orders_by_customer.index.json')).root;
    const b = normalisePlan(fixture('orders_by_customer.seq.json')).root;
    const d = diffPlans(a, b);
    expect(d.changed).toBe(true);
    expect(d.summary).toMatch(/^Bitmap Heap Scan → Seq Scan on orders/);
    expect(d.changes.some((c) => c.kind === 'removed' && /Bitmap Index Scan/.test(c.message))).toBe(true);
    expect(d.changes.some((c) => c.kind === 'added' && /Gather Merge/.test(c.message))).toBe(true);
  });

  it('aligns the scans of a join whose shape changed (Nested Loop → Hash Join) by relation', () => {
    const a = normalisePlan(fixture('customer_totals.index.json')).root;
    const b = normalisePlan(fixture('customer_totals.seq.json')).root;
    const pairs = alignPlans(a, b);
    const A = new Map<string, PlanNode>();
    const B = new Map<string, PlanNode>();
    walkPlan(a, (n) => A.set(n.id, n));
    walkPlan(b, (n) => B.set(n.id, n));
    // every node appears exactly once
    expect(pairs.filter((p) => p.baseId).length).toBe(A.size);
    expect(pairs.filter((p) => p.currentId).length).toBe(B.size);
    const partnerOf = (pred: (n: PlanNode) => boolean) => {
      const x = [...A.values()].find(pred)!;
      const p = pairs.find((pp) => pp.baseId === x.id)!;
      return p.currentId ? B.get(p.currentId)! : null;
    };
    expect(partnerOf((n) => n.relation === 'orders')?.nodeType).toBe('Seq Scan');
    expect(partnerOf((n) => n.relation === 'customers')?.nodeType).toBe('Index Scan');
    expect(partnerOf((n) => n.relation === 'customers')?.relation).toBe('customers');
    const d = diffPlans(a, b);
    expect(d.changes.find((c) => c.kind === 'node_type' && c.relation === 'orders')?.message).toBe('Bitmap Heap Scan → Seq Scan on orders');
    expect(d.summary).toMatch(/on orders/);
  });

  it('reports no change between a plan and itself', () => {
    const a = normalisePlan(fixture('customer_totals.seq.json')).root;
    const d = diffPlans(a, a);
    expect(d.changed).toBe(false);
    expect(d.summary).toBeNull();
    expect(d.changes).toEqual([]);
  });

  it('reports buffer changes between aligned nodes', () => {
    const a = normalisePlan(fixture('orders_by_customer.index.json')).root;
    const b = normalisePlan(fixture('orders_by_customer.seq.json')).root;
    const d = diffPlans(a, b);
    expect(d.changes.some((c) => c.kind === 'buffers' && c.relation === 'orders')).toBe(true);
  });

  it('stays fast on a huge plan (10k-partition Append)', () => {
    const mk = (n: number, type: string): PlanNode => ({
      id: '0', nodeType: 'Append', relation: null, alias: null, index: null, joinType: null, strategy: null, parentRelationship: null,
      estRows: 1, actualRows: 1, loops: 1, totalRows: 1, estimateFactor: 1, totalCost: 1, totalMs: 1, selfMs: 1, sharedHit: 0, sharedRead: 0,
      sharedDirtied: 0, tempRead: 0, tempWritten: 0, ioReadMs: null, ioWriteMs: null, rowsRemovedByFilter: null, detail: null,
      children: Array.from({ length: n }, (_, i) => ({
        id: `0.${i}`, nodeType: type, relation: `part_${i}`, alias: null, index: null, joinType: null, strategy: null, parentRelationship: 'Member',
        estRows: 1, actualRows: 1, loops: 1, totalRows: 1, estimateFactor: 1, totalCost: 1, totalMs: 0.1, selfMs: 0.1, sharedHit: 1, sharedRead: 0,
        sharedDirtied: 0, tempRead: 0, tempWritten: 0, ioReadMs: null, ioWriteMs: null, rowsRemovedByFilter: null, detail: null, children: [],
      })),
    });
    const t = performance.now();
    const d = diffPlans(mk(10_000, 'Seq Scan'), mk(10_000, 'Index Scan'));
    expect(performance.now() - t).toBeLessThan(3000);
    expect(d.changes.filter((c) => c.kind === 'node_type').length).toBe(10_000);
  });
});
