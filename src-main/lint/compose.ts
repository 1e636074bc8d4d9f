/**
 * Composition: libraries (resolved by semver range) are applied in the order confiture.yaml
 * lists them, then the project's overrides, disables and compliance patterns. Every effective
 * setting keeps a trail of where it came from.
 *
 * Conflict policies (same rule in two libraries with a different severity or options):
 * - `error`: composition fails, naming the rule and both libraries.
 * - `warn` (default): merge to the strictest — highest severity, list options united
 *   (first library's entries first), other options from the later library — and report a warning.
 * - `prefer-first`: the first library that configures the rule wins entirely; later ones are ignored.
 * - `prefer-last`: the last library that configures the rule wins entirely.
 * All four are deterministic: the result depends only on the configuration, never on timing.
 */
import { LineCounter, parseDocument, isNode, type Node } from 'yaml';
import { SEVERITIES, severityRank, type EffectiveLintConfig, type EffectiveRule, type Severity, type SettingSource } from '../../src-shared/domain/lint';
import { ConfitureError } from '../errors';
import { COMPLIANCE_KEYS, LintConfigSchema, type ConflictPolicy, type LintConfig } from './config';
import { DEFAULT_LIBRARIES, LIBRARIES, libraryVersions, type LibraryDefinition } from './libraries';
import { BUILT_IN_RULES, getRule, REMOVED_RULES, RULES } from './registry';
import { compareVersion, parseRange, parseVersion } from './semver';
import type { AnyRule } from './types';

export const DEFAULT_PG_VERSION = 15;

export interface ComposedRule {
  rule: AnyRule;
  enabled: boolean;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface ComposedRuleSet {
  rules: Map<string, ComposedRule>;
  failOn: Severity;
  pgVersion: number;
  effective: EffectiveLintConfig;
}

export interface ComposeOptions {
  /** path of confiture.yaml, for audit-trail lines and error locations */
  configFile?: string;
  /** its text, to find the line of each key */
  configText?: string;
  /** --pg-version (wins over everything) or the connected server's version (lint.pgVersion, when set, pins another) */
  pgVersion?: { value: number; source: 'cli' | 'server' };
  /** --fail-on style override */
  failOn?: Severity;
}

/** Finds the line of a key path in confiture.yaml. */
class ConfigLines {
  private readonly doc: ReturnType<typeof parseDocument> | null;
  private readonly counter = new LineCounter();
  constructor(
    private readonly file: string,
    text: string | undefined,
  ) {
    this.doc = text ? parseDocument(text, { lineCounter: this.counter }) : null;
  }
  source(path: (string | number)[], label = path.join('.')): SettingSource {
    const line = this.line(path);
    return { kind: 'project', label: `${this.fileName()}${line ? `:${line}` : ''} ${label}`, ...(line ? { line } : {}) };
  }
  line(path: (string | number)[]): number | undefined {
    if (!this.doc) return undefined;
    for (let n = path.length; n > 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true);
      if (isNode(node) && (node as Node).range) return this.counter.linePos((node as Node).range![0]).line;
    }
    return undefined;
  }
  fileName(): string {
    return this.file.split(/[\\/]/).pop() ?? this.file;
  }
  error(message: string, path: (string | number)[]): ConfitureError {
    const line = this.line(path);
    const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
    return new ConfitureError('config_error', `${this.fileName()}${line ? `:${line}` : ''}: ${field}: ${message}`, { file: this.file, ...(line ? { line } : {}), field });
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** Throws a clear error for a removed or unknown rule id. */
export function checkRuleId(id: string, lines: { error(message: string, path: (string | number)[]): Error }, path: (string | number)[]): AnyRule {
  const rule = getRule(id);
  if (rule) return rule;
  const removed = REMOVED_RULES[id];
  if (removed) {
    throw lines.error(
      `rule "${id}" was removed in ${removed.removedIn} (${removed.reason})${removed.replacement ? `; use "${removed.replacement}" instead` : ''}`,
      path,
    );
  }
  const close = RULES.map((r) => r.id).sort((a, b) => editDistance(id, a) - editDistance(id, b))[0];
  throw lines.error(`unknown rule "${id}"${close && editDistance(id, close) <= 4 ? ` (did you mean "${close}"?)` : ''}; run \`confiture lint --list-rules\``, path);
}

export function resolveLibrary(name: string, range: string): LibraryDefinition | { error: string } {
  const versions = libraryVersions(name);
  if (versions.length === 0) {
    return { error: `unknown library "${name}"; available: ${[...new Set(LIBRARIES.map((l) => l.name))].join(', ')}` };
  }
  const pred = parseRange(range);
  if (!pred) return { error: `"${range}" is not a version range (use ^1, ~1.1, 1.0.0 or *)` };
  const match = versions
    .filter((v) => pred(parseVersion(v.version)!))
    .sort((a, b) => compareVersion(parseVersion(b.version)!, parseVersion(a.version)!))[0];
  if (!match) return { error: `library ${name} has no version matching "${range}"; available: ${versions.map((v) => v.version).join(', ')}` };
  return match;
}

function isList(v: unknown): v is unknown[] {
  return Array.isArray(v);
}

/** warn policy: lists united (first's entries first), other keys from the later library. */
function mergeStrict(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isList(prev) && isList(v) ? [...new Set([...prev, ...v])] : v;
  }
  return out;
}

function sameOptions(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function differingKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function brief(v: unknown): string {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Composes the effective rule set. `raw` is the `lint` section (validated here if it is not yet). */
export function composeRuleSet(raw: Partial<LintConfig> | undefined, opts: ComposeOptions = {}): ComposedRuleSet {
  const config: LintConfig = LintConfigSchema.parse(raw ?? {});
  const lines = new ConfigLines(opts.configFile ?? 'confiture.yaml', opts.configText);
  const policy: ConflictPolicy = config.conflictPolicy;
  const warnings: string[] = [];
  const state = new Map<string, EffectiveRule & { from: string }>();
  const libraries: EffectiveLintConfig['libraries'] = [];
  const conflicts: string[] = [];

  const specs = config.libraries ?? DEFAULT_LIBRARIES;
  specs.forEach((spec, i) => {
    const name = typeof spec === 'string' ? spec : spec.name;
    const range = typeof spec === 'string' ? '*' : spec.version;
    const path = ['lint', 'libraries', i];
    const source: SettingSource = config.libraries ? lines.source(path, `lint.libraries[${i}]`) : { kind: 'default', label: 'default libraries' };
    const lib = resolveLibrary(name, range);
    if ('error' in lib) throw lines.error(lib.error, path);
    if (libraries.some((l) => l.name === name)) throw lines.error(`library ${name} is listed twice`, path);
    libraries.push({ name, requested: range, resolved: lib.version, source });
    const libLabel = `${lib.name}@${lib.version}`;
    const libSource: SettingSource = { kind: 'library', label: libLabel };
    for (const entry of lib.rules) {
      const rule = getRule(entry.id);
      if (!rule) throw new ConfitureError('internal', `library ${libLabel} lists unknown rule ${entry.id}`);
      const severity = entry.severity ?? rule.severity;
      const options = { ...((rule.defaultOptions as Record<string, unknown>) ?? {}), ...(entry.options ?? {}) };
      const prev = state.get(entry.id);
      if (!prev) {
        state.set(entry.id, {
          id: rule.id,
          version: rule.version,
          enabled: true,
          severity,
          options,
          from: libLabel,
          trail: [
            { setting: 'included', value: `${rule.id}@${rule.version}`, source: libSource },
            { setting: 'severity', value: severity, source: libSource },
            ...(Object.keys(options).length ? [{ setting: 'options' as const, value: brief(options), source: libSource }] : []),
          ],
        });
        continue;
      }
      if (prev.severity === severity && sameOptions(prev.options, options)) {
        prev.trail.push({ setting: 'included', value: `also in ${libLabel}, same settings`, source: libSource });
        continue;
      }
      const what = [
        prev.severity !== severity ? `severity ${prev.severity} (${prev.from}) vs ${severity} (${libLabel})` : null,
        !sameOptions(prev.options, options) ? `options ${differingKeys(prev.options, options).join(', ')} differ` : null,
      ]
        .filter(Boolean)
        .join('; ');
      const description = `rule ${rule.id}: ${what}`;
      switch (policy) {
        case 'error':
          conflicts.push(`${description} [${lines.fileName()}${lines.line(path) ? `:${lines.line(path)}` : ''}]`);
          break;
        case 'prefer-first':
          prev.trail.push({ setting: 'conflict', value: `${description}; prefer-first keeps ${prev.from}`, source: libSource });
          break;
        case 'prefer-last':
          prev.trail.push({ setting: 'conflict', value: `${description}; prefer-last takes ${libLabel}`, source: libSource });
          prev.severity = severity;
          prev.options = options;
          prev.from = libLabel;
          prev.trail.push({ setting: 'severity', value: severity, source: libSource });
          if (Object.keys(options).length) prev.trail.push({ setting: 'options', value: brief(options), source: libSource });
          break;
        case 'warn': {
          const strictest = severityRank(severity) > severityRank(prev.severity) ? severity : prev.severity;
          const merged = mergeStrict(prev.options, options);
          warnings.push(`${description}; merged to the strictest: severity ${strictest}, lists united`);
          prev.trail.push({ setting: 'conflict', value: `${description}; warn merges to the strictest`, source: libSource });
          if (strictest !== prev.severity) prev.trail.push({ setting: 'severity', value: strictest, source: libSource });
          if (!sameOptions(merged, prev.options)) prev.trail.push({ setting: 'options', value: brief(merged), source: libSource });
          prev.severity = strictest;
          prev.options = merged;
          prev.from = `${prev.from}+${libLabel}`;
          break;
        }
      }
    }
  });
  if (conflicts.length) {
    throw lines.error(`conflictPolicy is "error" and ${conflicts.length} rule(s) conflict:\n  ${conflicts.join('\n  ')}\nSet lint.conflictPolicy to warn, prefer-first or prefer-last, or add lint.overrides for these rules.`, [
      'lint',
      'conflictPolicy',
    ]);
  }

  // project compliance patterns extend every compliance rule that is in play
  for (const [key, optionName] of Object.entries(COMPLIANCE_KEYS)) {
    const extra = config.compliance[key as keyof typeof COMPLIANCE_KEYS];
    if (!extra.length) continue;
    for (const r of state.values()) {
      const cur = r.options[optionName];
      if (!isList(cur)) continue;
      r.options = { ...r.options, [optionName]: [...new Set([...cur, ...extra])] };
      r.trail.push({ setting: 'options', value: `${optionName} += ${brief(extra)}`, source: lines.source(['lint', 'compliance', key], `lint.compliance.${key}`) });
    }
  }

  for (const [id, ov] of Object.entries(config.overrides)) {
    const path = ['lint', 'overrides', id];
    const rule = checkRuleId(id, lines, path);
    const source = lines.source(path, `lint.overrides.${id}`);
    let r = state.get(id);
    if (!r) {
      r = {
        id,
        version: rule.version,
        enabled: true,
        severity: rule.severity,
        options: { ...((rule.defaultOptions as Record<string, unknown>) ?? {}) },
        from: 'project',
        trail: [{ setting: 'included', value: `${id}@${rule.version} (no library includes it)`, source }],
      };
      state.set(id, r);
    }
    if (ov.severity) {
      r.severity = ov.severity;
      r.trail.push({ setting: 'severity', value: ov.severity, source });
    }
    if (ov.options) {
      const known = Object.keys((rule.defaultOptions as Record<string, unknown>) ?? {});
      const unknown = Object.keys(ov.options).filter((k) => !known.includes(k));
      if (unknown.length) throw lines.error(`rule ${id} has no option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}${known.length ? ` (options: ${known.join(', ')})` : ' (it takes no options)'}`, [...path, 'options']);
      r.options = { ...r.options, ...ov.options };
      r.trail.push({ setting: 'options', value: brief(ov.options), source });
    }
  }

  config.disable.forEach((id, i) => {
    const path = ['lint', 'disable', i];
    checkRuleId(id, lines, path);
    const r = state.get(id);
    if (!r) {
      warnings.push(`lint.disable names ${id}, which no configured library includes`);
      return;
    }
    r.enabled = false;
    r.trail.push({ setting: 'disabled', value: 'off', source: lines.source(path, `lint.disable[${i}]`) });
  });

  for (const r of state.values()) {
    const rule = getRule(r.id)!;
    if (r.enabled && rule.deprecated) {
      warnings.push(`rule ${r.id} (from ${r.from}) is deprecated since ${rule.deprecated.since}: use ${rule.deprecated.replacement.join(' and ')} (${rule.deprecated.reason})`);
    }
  }

  // built-in rules always run
  for (const id of BUILT_IN_RULES) {
    if (state.has(id)) continue;
    const rule = getRule(id)!;
    state.set(id, { id, version: rule.version, enabled: true, severity: rule.severity, options: {}, from: 'built-in', trail: [{ setting: 'included', value: `${id}@${rule.version}`, source: { kind: 'default', label: 'built-in' } }] });
  }

  // --pg-version wins; a pinned lint.pgVersion wins over the connected server; the server's
  // version wins over the default
  const cli = opts.pgVersion?.source === 'cli' ? opts.pgVersion : undefined;
  const server = opts.pgVersion?.source === 'server' ? opts.pgVersion : undefined;
  const pgVersion = cli?.value ?? config.pgVersion ?? server?.value ?? DEFAULT_PG_VERSION;
  const pgVersionSource: SettingSource = cli
    ? { kind: 'cli', label: '--pg-version' }
    : config.pgVersion
      ? lines.source(['lint', 'pgVersion'], `lint.pgVersion${server ? ` (pinned; the connected server is PostgreSQL ${server.value})` : ''}`)
      : server
        ? { kind: 'cli', label: 'connected server' }
        : { kind: 'default', label: `default (PostgreSQL ${DEFAULT_PG_VERSION})` };
  const failOn = opts.failOn ?? config.failOn;

  const rules = new Map<string, ComposedRule>();
  const effectiveRules: EffectiveRule[] = [];
  for (const r of [...state.values()].sort((a, b) => a.id.localeCompare(b.id))) {
    rules.set(r.id, { rule: getRule(r.id)!, enabled: r.enabled, severity: r.severity, options: r.options });
    const { from: _from, ...eff } = r;
    effectiveRules.push(eff);
  }
  return {
    rules,
    failOn,
    pgVersion,
    effective: { libraries, conflictPolicy: policy, failOn, pgVersion, pgVersionSource, rules: effectiveRules, warnings },
  };
}

export { SEVERITIES };
