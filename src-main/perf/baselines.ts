/**
 * Baselines on disk: `perf/baselines/<timestamp>_<name>.json`, one file per capture, written
 * atomically and never overwritten (a hard link refuses an existing name). Reviewable in a PR.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Baseline, BaselineListItem, PerfHistory } from '../../src-shared/domain/perf';
import { ConfitureError } from '../errors';

export const BASELINE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$/;

export function checkBaselineName(name: string): void {
  if (!BASELINE_NAME_RE.test(name)) {
    throw new ConfitureError('invalid_input', `Baseline name "${name}" must be letters, digits, _ . - (at most 81 characters, starting with a letter or digit)`, {
      field: 'name',
    });
  }
}

/** `20250611T101502123Z`: sorts as time, safe in every file system. */
export function fileTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace('.', '');
}

/** Writes a new baseline file; returns its path. Never replaces an existing file. */
export function saveBaseline(dir: string, baseline: Baseline): string {
  checkBaselineName(baseline.name);
  fs.mkdirSync(dir, { recursive: true });
  const stem = `${fileTimestamp(new Date(baseline.createdAt))}_${baseline.name}`;
  const tmp = path.join(dir, `.${stem}.${process.pid}.${Date.now()}.tmp`);
  for (let attempt = 0; attempt < 100; attempt++) {
    const id = attempt === 0 ? stem : `${stem}-${attempt + 1}`;
    const file = path.join(dir, `${id}.json`);
    fs.writeFileSync(tmp, JSON.stringify({ ...baseline, id }, null, 1) + '\n', { mode: 0o644 });
    try {
      fs.linkSync(tmp, file);
      baseline.id = id;
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  throw new ConfitureError('internal', `Could not find a free file name for baseline ${stem} in ${dir}`);
}

function isBaseline(v: unknown): v is Baseline {
  return !!v && typeof v === 'object' && (v as Baseline).format === 'confiture-perf-baseline' && Array.isArray((v as Baseline).queries);
}

export function readBaselineFile(file: string): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfitureError('not_found', `No baseline file ${file}`, { file });
    throw new ConfitureError('invalid_input', `${file} is not readable JSON: ${(e as Error).message}`, { file });
  }
  if (!isBaseline(v)) throw new ConfitureError('invalid_input', `${file} is not a Confiture performance baseline (format confiture-perf-baseline)`, { file });
  if (v.version !== 1) throw new ConfitureError('invalid_input', `${file} has baseline format version ${String(v.version)}; this Confiture reads version 1`, { file });
  return v;
}

export function listBaselines(dir: string): BaselineListItem[] {
  if (!fs.existsSync(dir)) return [];
  const out: BaselineListItem[] = [];
  for (const f of fs.readdirSync(dir).sort()) {
    if (!f.endsWith('.json') || f.startsWith('.')) continue;
    const file = path.join(dir, f);
    try {
      const b = readBaselineFile(file);
      out.push({
        id: f.slice(0, -'.json'.length),
        name: b.name,
        file,
        createdAt: b.createdAt,
        environment: b.environment.name,
        serverVersion: b.server.version,
        queries: b.queries.length,
        runs: b.capture.runs,
        gitCommit: b.git?.commit ?? null,
      });
    } catch {
      // not a baseline: ignore (listing must not fail on a stray file)
    }
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/**
 * Finds a baseline by file path, id (file stem), name (the latest with that name),
 * `latest`, or `previous` (the one before the latest).
 */
export function resolveBaseline(dir: string, ref: string): Baseline {
  if (ref.endsWith('.json') || ref.includes('/') || ref.includes(path.sep)) return readBaselineFile(path.resolve(ref));
  const all = listBaselines(dir);
  if (all.length === 0) throw new ConfitureError('not_found', `No baselines in ${dir}: capture one with \`confiture perf capture --name NAME\``, { file: dir });
  let hit: BaselineListItem | undefined;
  if (ref === 'latest') hit = all[all.length - 1];
  else if (ref === 'previous') hit = all[all.length - 2];
  else hit = all.find((b) => b.id === ref) ?? [...all].reverse().find((b) => b.name === ref);
  if (!hit) {
    const names = [...new Set(all.map((b) => b.name))].slice(-10).join(', ');
    throw new ConfitureError('not_found', `No baseline "${ref}" in ${dir} (known names: ${names})`, { field: 'baseline' });
  }
  return readBaselineFile(hit.file);
}

/**
 * Each query's timings across the newest `limit` baselines, oldest first: median and quartiles
 * per baseline (what the history chart draws). Baselines that cannot be read are skipped.
 */
export function baselineHistory(dir: string, limit = 30): PerfHistory {
  const items = listBaselines(dir).slice(-limit);
  const baselines: PerfHistory['baselines'] = [];
  const series = new Map<string, PerfHistory['series'][number]>();
  for (const item of items) {
    let b: Baseline;
    try {
      b = readBaselineFile(item.file);
    } catch {
      continue;
    }
    baselines.push({ id: item.id, name: item.name, createdAt: item.createdAt });
    for (const q of b.queries) {
      if (q.error || q.samplesMs.length === 0) continue;
      const s = [...q.samplesMs].sort((x, y) => x - y);
      const at = (p: number) => {
        const h = (s.length - 1) * p;
        const lo = Math.floor(h);
        return s[lo]! + (h - lo) * ((s[Math.min(s.length - 1, lo + 1)] ?? s[lo]!) - s[lo]!);
      };
      const entry = series.get(q.id) ?? { id: q.id, points: [] };
      entry.points.push({ baseline: item.id, medianMs: at(0.5), q1Ms: at(0.25), q3Ms: at(0.75), runs: s.length });
      series.set(q.id, entry);
    }
  }
  return { baselines, series: [...series.values()].sort((a, b) => a.id.localeCompare(b.id)) };
}
