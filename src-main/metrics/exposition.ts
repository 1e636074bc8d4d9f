/**
 * The Prometheus text exposition format (version 0.0.4), written from metric families whose
 * values are already aggregated (histogram buckets come counted from SQL, so a client library
 * that wants every observation would only slow a long history down).
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

export type Labels = Record<string, string>;

export interface Sample {
  labels: Labels;
  value: number;
}

export interface HistogramSample {
  labels: Labels;
  /** upper bounds (ascending, without +Inf) with the cumulative count of observations ≤ each */
  buckets: { le: number; count: number }[];
  count: number;
  sum: number;
}

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; unit?: string; samples: Sample[] }
  | { name: string; help: string; type: 'histogram'; unit?: string; samples: HistogramSample[] };

/** Every metric name must match this; label names too (without the colon). */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const escapeHelp = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
const escapeLabel = (s: string) => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function labelText(labels: Labels, extra?: [string, string]): string {
  const entries = Object.entries(labels);
  if (extra) entries.push(extra);
  if (entries.length === 0) return '';
  for (const [k] of entries) if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new Error(`invalid label name "${k}"`);
  return `{${entries.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
}

/** `openmetrics`: OpenMetrics 1.0 text (counter families named without `_total`, `# UNIT`, `# EOF`). */
export function renderPrometheus(families: MetricFamily[], flavour: 'prometheus' | 'openmetrics' = 'prometheus'): string {
  const out: string[] = [];
  const om = flavour === 'openmetrics';
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new Error(`invalid metric name "${f.name}"`);
    const family = om && f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    out.push(`# HELP ${family} ${escapeHelp(f.help)}`, `# TYPE ${family} ${f.type}`);
    if (om && f.unit) out.push(`# UNIT ${family} ${f.unit}`);
    if (f.type === 'histogram') {
      for (const s of f.samples) {
        for (const b of s.buckets) out.push(`${f.name}_bucket${labelText(s.labels, ['le', formatValue(b.le)])} ${b.count}`);
        out.push(`${f.name}_bucket${labelText(s.labels, ['le', '+Inf'])} ${s.count}`);
        out.push(`${f.name}_sum${labelText(s.labels)} ${formatValue(s.sum)}`);
        out.push(`${f.name}_count${labelText(s.labels)} ${s.count}`);
      }
    } else {
      for (const s of f.samples) out.push(`${f.name}${labelText(s.labels)} ${formatValue(s.value)}`);
    }
  }
  if (om) out.push('# EOF');
  return out.join('\n') + '\n';
}

/** The Content-Type a scraper expects for this format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
