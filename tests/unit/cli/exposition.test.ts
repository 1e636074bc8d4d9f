/** The exposition writer, read back by the Prometheus project's own parsers. */
import { describe, expect, it } from 'vitest';
import { renderPrometheus, type MetricFamily } from '../../../src-main/metrics';
import { parseExposition } from '../../helpers/prometheus';

const families: MetricFamily[] = [
  { name: 'confiture_runs_total', help: 'Runs\nby outcome \\ kind', type: 'counter', samples: [{ labels: { project: 'shop "eu"', outcome: 'success' }, value: 3 }, { labels: { project: 'a\\b\nc', outcome: 'failed' }, value: 1 }] },
  { name: 'confiture_run_lock_held', help: 'Lock', type: 'gauge', samples: [{ labels: {}, value: 0 }] },
  {
    name: 'confiture_statement_duration_seconds',
    help: 'Statements',
    type: 'histogram',
    unit: 'seconds',
    samples: [{ labels: { kind: 'create_index' }, buckets: [{ le: 0.1, count: 2 }, { le: 1, count: 5 }], count: 6, sum: 7.25 }],
  },
];

describe('Prometheus exposition', () => {
  it('round-trips names, escaped labels and histograms through the text format parser', () => {
    const parsed = parseExposition(renderPrometheus(families), 'prometheus');
    const runs = parsed.find((f) => f.name === 'confiture_runs')!;
    expect(runs.type).toBe('counter');
    expect(runs.documentation).toBe('Runs\nby outcome \\ kind');
    expect(runs.samples.map((s) => [s.labels.project, s.value])).toEqual([
      ['shop "eu"', 3],
      ['a\\b\nc', 1],
    ]);
    const h = parsed.find((f) => f.name === 'confiture_statement_duration_seconds')!;
    expect(h.samples.map((s) => [s.name, s.labels.le ?? null, s.value])).toEqual([
      ['confiture_statement_duration_seconds_bucket', '0.1', 2],
      ['confiture_statement_duration_seconds_bucket', '1', 5],
      ['confiture_statement_duration_seconds_bucket', '+Inf', 6],
      ['confiture_statement_duration_seconds_sum', null, 7.25],
      ['confiture_statement_duration_seconds_count', null, 6],
    ]);
  });

  it('is valid OpenMetrics 1.0 for the strict parser (counter family names, units, # EOF)', () => {
    const text = renderPrometheus(families, 'openmetrics');
    expect(text.endsWith('# EOF\n')).toBe(true);
    const parsed = parseExposition(text, 'openmetrics');
    expect(parsed.map((f) => [f.name, f.type, f.unit])).toEqual([
      ['confiture_runs', 'counter', ''],
      ['confiture_run_lock_held', 'gauge', ''],
      ['confiture_statement_duration_seconds', 'histogram', 'seconds'],
    ]);
  });

  it('is rejected by the strict parser when a histogram is not cumulative (the parser does check)', () => {
    const bad: MetricFamily[] = [{ name: 'x_seconds', help: 'x', type: 'histogram', samples: [{ labels: {}, buckets: [{ le: 1, count: 5 }, { le: 2, count: 3 }], count: 6, sum: 1 }] }];
    expect(() => parseExposition(renderPrometheus(bad, 'openmetrics'), 'openmetrics')).toThrow(/rejected/);
  });

  it('refuses invalid metric and label names', () => {
    expect(() => renderPrometheus([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }])).toThrow(/invalid metric name/);
    expect(() => renderPrometheus([{ name: 'ok', help: '', type: 'gauge', samples: [{ labels: { 'bad-label': 'x' }, value: 1 }] }])).toThrow(/invalid label name/);
  });
});
