/**
 * The review's traffic window: waited for, and the rates it measured reported with their interval,
 * only when a verdict reads them (a statement blocking traffic on, or a fact about, a table that
 * exists now). A plan that only touches its own new tables gets the report the window would have
 * given, without the window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotCatalog } from '../../../src-main/catalog';
import { openValidProject } from '../../../src-main/project';
import { findingsByVersion, reviewProject } from '../../../src-main/review';
import { loadRiskData, riskReportFromData } from '../../../src-main/risk';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';

let db: TestDatabase;
let fresh: TempProject;
let existing: TempProject;
const config = (name: string) => `name: ${name}\nrisk:\n  snapshotWindow: 300ms\n`;

beforeAll(async () => {
  db = await createTestDatabase('cf_review_traffic');
  await db.pool.query('CREATE TABLE busy (id int PRIMARY KEY, v text); INSERT INTO busy SELECT g, g::text FROM generate_series(1, 100) g; ANALYZE busy');
  // only tables of the plan's own: nothing that exists now is locked
  fresh = makeProject(
    {
      '0001_a.up.sql': 'CREATE TABLE a (id bigint PRIMARY KEY, v text);\nCREATE INDEX a_v ON a (v);\n',
      '0002_b.up.sql': 'CREATE TABLE b (id bigint PRIMARY KEY, a_id bigint);\nALTER TABLE b ADD COLUMN note text;\n',
    },
    config('fresh'),
  );
  // an ALTER of a table that exists: its rates are read by the traffic factor
  existing = makeProject({ '0001_busy.up.sql': 'ALTER TABLE busy ADD COLUMN flag boolean NOT NULL DEFAULT false;\n' }, config('existing'));
});
afterAll(async () => {
  fresh?.remove();
  existing?.remove();
  await db?.drop();
});

describe('review: the traffic window', () => {
  it('is not waited for when no verdict reads the rates, and the report says they were not measured', async () => {
    const project = openValidProject(fresh.dir);
    const report = await reviewProject(project, db.pool);
    expect(report.migrations.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(report.traffic).toEqual({ used: false, measured: false, windowMs: 0, from: null, to: null });
    for (const m of report.migrations) {
      expect(m.facts).toEqual([]);
      expect(m.factors.find((f) => f.name === 'traffic')).toMatchObject({ value: 0, explanation: expect.stringMatching(/no traffic is blocked$/) });
    }
  });

  it('gives the same verdicts (hashes) as a report on a snapshot whose window was measured', async () => {
    const project = openValidProject(fresh.dir);
    const skipped = await reviewProject(project, db.pool);
    // the same review with a complete snapshot (traffic window waited for and read)
    const catalog = await snapshotCatalog(db.pool, { windowMs: 300 });
    expect(catalog.traffic.windowMs).toBeGreaterThanOrEqual(300);
    const findings = await findingsByVersion(project, { catalog, pgVersion: catalog.server.versionNum });
    const measured = await riskReportFromData(project, await loadRiskData(project, db.pool, { catalog }), findings);
    expect(measured.traffic).toMatchObject({ used: false, measured: true });
    expect(skipped.migrations.map((m) => [m.version, m.level, m.score, m.hash])).toEqual(measured.migrations.map((m) => [m.version, m.level, m.score, m.hash]));
  });

  it('is waited for when a migration blocks a table that exists, and the report gives the interval the rates cover', async () => {
    const project = openValidProject(existing.dir);
    const report = await reviewProject(project, db.pool);
    const t = report.traffic!;
    expect(t).toMatchObject({ used: true, measured: true });
    expect(t.windowMs).toBeGreaterThanOrEqual(300);
    expect(Date.parse(t.to!) - Date.parse(t.from!)).toBeGreaterThanOrEqual(250);
    const m = report.migrations[0]!;
    expect(m.facts.find((f) => f.table === 'busy')).toMatchObject({ readsPerSec: expect.any(Number), writesPerSec: expect.any(Number) });
    expect(m.factors.find((f) => f.name === 'traffic')!.explanation).toMatch(/blocked queries\/s \(measured over \d+ ms\) on busy/);
  });

  it('is reported as not measured when risk.snapshotWindow is 0 and a verdict would read it', async () => {
    const p = makeProject({ '0001_busy.up.sql': 'ALTER TABLE busy ADD COLUMN flag2 boolean NOT NULL DEFAULT false;\n' }, 'name: nowindow\nrisk:\n  snapshotWindow: 0ms\n');
    try {
      const report = await reviewProject(openValidProject(p.dir), db.pool);
      expect(report.traffic).toEqual({ used: true, measured: false, windowMs: 0, from: null, to: null });
      expect(report.migrations[0]!.factors.find((f) => f.name === 'traffic')!.explanation).toBe('traffic not measured (window 0)');
    } finally {
      p.remove();
    }
  });
});
