/**
 * The Grafana dashboard of docs/integrations/grafana: a valid dashboard model whose every query
 * uses metrics `confiture metrics` really prints (read back with the Prometheus project's parser)
 * after a real run with a hook (and the default SLOs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { makeProject, type TempProject } from '../../helpers/project';
import { parseExposition } from '../../helpers/prometheus';
import { confiture, repo } from '../cli/run-cli';

interface Target {
  refId: string;
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { type: string; uid: string };
  targets: Target[];
}

const dashboard = JSON.parse(fs.readFileSync(path.join(repo, 'docs', 'integrations', 'grafana', 'confiture-dashboard.json'), 'utf8')) as {
  uid: string;
  title: string;
  schemaVersion: number;
  templating: { list: { name: string; type: string }[] };
  panels: Panel[];
};

/** Metric names in a PromQL expression: identifiers starting with confiture_ (labels and functions are not). */
const metricsOf = (expr: string) => [...expr.matchAll(/\b(confiture_[a-z0-9_]+)\b/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));

let db: TestDatabase;
let project: TempProject;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase('cf_grafana');
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'confiture-grafana-'));
  project = makeProject(
    { '0001_create_t.up.sql': "SET LOCAL lock_timeout = '2s';\nCREATE TABLE t (id bigint PRIMARY KEY);\n" },
    'name: grafana\nhooks:\n  hooks:\n    - { id: ping, on: [before_run], kind: sql, sql: "SELECT true AS ok" }',
  );
});
afterAll(async () => {
  await db.drop();
  project.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('the Grafana dashboard', () => {
  it('is a dashboard model: unique panel ids, on the datasource variable, filtered by project', () => {
    expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(typeof dashboard.schemaVersion).toBe('number');
    expect(dashboard.templating.list.map((v) => [v.name, v.type])).toEqual([
      ['datasource', 'datasource'],
      ['project', 'query'],
    ]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dashboard.panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t.expr, p.title).toContain('project=~"$project"');
        expect(metricsOf(t.expr).length, t.expr).toBeGreaterThan(0);
      }
    }
  });

  it('queries only metric families that confiture metrics prints', async () => {
    const env = { DATABASE_URL: db.url };
    const up = await confiture(['migrate', 'up', '-p', project.dir], { dataDir, env });
    expect(up.code, up.stderr).toBe(0);
    const m = await confiture(['metrics', '-p', project.dir], { dataDir, env });
    expect(m.code, m.stderr).toBe(0);
    const families = new Set(parseExposition(m.stdout, 'prometheus').map((f) => f.name));
    const used = new Set(dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricsOf(t.expr))));
    // the text parser names counters without _total in some versions: accept either spelling
    const missing = [...used].filter((name) => !families.has(name) && !families.has(name.replace(/_total$/, '')));
    expect(missing).toEqual([]);
    expect(used.size).toBeGreaterThanOrEqual(12);
  });
});
