/**
 * The Prometheus project's own parsers (python3-prometheus-client): the text format 0.0.4 parser
 * and the strict OpenMetrics 1.0 parser, which rejects invalid histograms, names and escapes.
 * scripts/ensure-validators.mjs installs them (`apt-get install python3-prometheus-client`).
 */
import { spawnSync } from 'node:child_process';

export interface ParsedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}
export interface ParsedFamily {
  name: string;
  type: string;
  unit: string;
  documentation: string;
  samples: ParsedSample[];
}

const SCRIPT = `
import json, math, sys
flavour = sys.argv[1]
if flavour == 'openmetrics':
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
else:
    from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({'name': f.name, 'type': f.type, 'unit': f.unit, 'documentation': f.documentation,
                'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value if math.isfinite(s.value) else str(s.value)} for s in f.samples]})
print(json.dumps(out))
`;

/** Parses with the official parser; throws with its message when the text is invalid. */
export function parseExposition(text: string, flavour: 'prometheus' | 'openmetrics'): ParsedFamily[] {
  const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT, flavour], { input: text, encoding: 'utf8' });
  if (r.error) throw new Error(`the Prometheus parser is not installed (apt-get install python3-prometheus-client): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`the ${flavour} parser rejected the text: ${r.stderr.trim().split('\n').slice(-1)[0]}`);
  return JSON.parse(r.stdout) as ParsedFamily[];
}
