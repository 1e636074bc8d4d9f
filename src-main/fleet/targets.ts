/**
 * The targets of an environment: named targets from confiture.yaml, plus those listed by a query
 * on a control database, filtered by a label selector. `${env:VAR}` references are resolved
 * here (never written back, never logged: each resolved secret is registered for redaction).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { z } from 'zod';
import type { ConnectionTarget } from '../../src-shared/domain/connection';
import { redactUrl, resolveConnectionString } from '../db';
import { ConfitureError } from '../errors';
import { registerSecret } from '../logging';
import type { ProjectConfig } from '../project';
import { mergeRollout, type RolloutConfig } from './config';

export interface FleetTarget {
  name: string;
  labels: Record<string, string>;
  /** where the target lives, for the per-host limit */
  host: string;
  /** safe to show (no password) */
  label: string;
  connection: ConnectionTarget;
  /** the text before `${env:…}` interpolation (what the control database stores: no secret from the environment) */
  source: string;
}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replaces `${env:VAR}`; a missing variable is a config error naming the field and the variable. */
export function interpolateEnv(text: string, field: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(ENV_REF, (_m, v: string) => {
    const value = env[v];
    if (value === undefined || value === '') throw new ConfitureError('config_error', `${field}: environment variable ${v} is not set (referenced as \${env:${v}})`, { field });
    registerSecret(v, value);
    return value;
  });
}

export interface LabelSelector {
  key: string;
  op: '=' | '!=';
  value: string;
}

/** `tier=gold,region!=us`: every term must hold. */
export function parseSelector(text: string, field = 'targets'): LabelSelector[] {
  const terms = text.split(',').map((t) => t.trim()).filter(Boolean);
  return terms.map((t) => {
    const m = /^([a-z][a-z0-9_.-]{0,62})\s*(!=|=)\s*([^=!,]{1,200})$/.exec(t);
    if (!m) throw new ConfitureError('invalid_input', `${field}: "${t.slice(0, 80)}" is not a label selector; write key=value or key!=value, several separated by commas (e.g. tier=gold,region=eu)`, { field });
    return { key: m[1]!, op: m[2] as '=' | '!=', value: m[3]!.trim() };
  });
}

export function matchesSelector(labels: Record<string, string>, sel: LabelSelector[]): boolean {
  return sel.every((s) => (s.op === '=' ? labels[s.key] === s.value : labels[s.key] !== s.value));
}

/** Reads a libpq service file (`[name]` sections of key=value lines). */
export function readServiceFile(service: string, field: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = env.PGSERVICEFILE ?? path.join(os.homedir(), '.pg_service.conf');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfitureError('config_error', `${field}: cannot read the service file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); set PGSERVICEFILE`, { field });
  }
  let current: string | null = null;
  const found: Record<string, string> = {};
  let seen = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const sec = /^\[(.+)\]$/.exec(line);
    if (sec) {
      current = sec[1]!.trim();
      if (current === service) seen = true;
      continue;
    }
    if (current !== service) continue;
    const kv = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (kv) found[kv[1]!] = kv[2]!.trim();
  }
  if (!seen) throw new ConfitureError('config_error', `${field}: no service [${service}] in ${file}`, { field });
  return found;
}

function serviceUrl(service: string, field: string): string {
  const s = readServiceFile(service, field);
  if (s.password) registerSecret(`service ${service} password`, s.password);
  const u = new URL('postgres://localhost');
  u.hostname = s.host ?? 'localhost';
  if (s.port) u.port = s.port;
  if (s.user) u.username = encodeURIComponent(s.user);
  if (s.password) u.password = encodeURIComponent(s.password);
  u.pathname = `/${encodeURIComponent(s.dbname ?? s.user ?? 'postgres')}`;
  if (s.sslmode) u.searchParams.set('sslmode', s.sslmode);
  return u.toString();
}

/** A connection text (after interpolation) as a connection target; `field` names it in errors. */
export function connectionOf(text: string, field: string): { connection: ConnectionTarget; host: string; label: string } {
  if (text.startsWith('embedded:')) {
    const database = text.slice('embedded:'.length);
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(database)) throw new ConfitureError('config_error', `${field}: embedded:<database> needs a database name of letters, digits and _ (got "${database.slice(0, 80)}")`, { field });
    return { connection: { kind: 'embedded', database }, host: 'embedded', label: `embedded:${database}` };
  }
  if (text === 'embedded') return { connection: { kind: 'embedded' }, host: 'embedded', label: 'embedded' };
  const r = resolveConnectionString(text, undefined, field);
  return { connection: { kind: 'url', url: text }, host: `${r.host}:${r.port}`, label: redactUrl(text) };
}

/** A stored source text (`url`, `embedded:db` or `service:name`, with `${env:…}` references) as a connection. */
export function connectionFromSource(source: string, field: string): { connection: ConnectionTarget; host: string; label: string } {
  if (source.startsWith('service:')) return connectionOf(serviceUrl(source.slice('service:'.length), `${field}.service`), `${field}.service`);
  return connectionOf(interpolateEnv(source, `${field}.url`), `${field}.url`);
}

const QueryRowSchema = z
  .object({
    dsn: z.string().min(1).max(4096),
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'a name of letters, digits, ., _ and -').nullish(),
    labels: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String)).nullish(),
  })
  .loose();

/** Runs an environment's target query (read-only) on its database. */
async function queryTargets(env: string, query: { db: string; sql: string }, openEmbedded: (database: string) => Promise<string>): Promise<FleetTarget[]> {
  const field = `environments.${env}.query`;
  const dbText = interpolateEnv(query.db, `${field}.db`);
  const where = connectionOf(dbText, `${field}.db`);
  const url = where.connection.kind === 'url' ? where.connection.url : await openEmbedded(where.connection.database ?? 'postgres');
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  let rows: unknown[];
  try {
    await client.query('BEGIN READ ONLY');
    rows = (await client.query(query.sql)).rows;
    await client.query('COMMIT');
  } catch (e) {
    throw new ConfitureError('config_error', `${field}.sql failed on ${where.label}: ${(e as Error).message}`, { field: `${field}.sql` });
  } finally {
    await client.end().catch(() => undefined);
  }
  const out: FleetTarget[] = [];
  rows.forEach((raw, i) => {
    const parsed = QueryRowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfitureError('config_error', `${field}.sql: row ${i + 1}: ${issue.path.join('.') || 'row'}: ${issue.message} (the query returns dsn, and optionally name and labels)`, { field: `${field}.sql` });
    }
    const rowField = `${field}.sql row ${i + 1}`;
    const c = connectionOf(interpolateEnv(parsed.data.dsn, rowField), rowField);
    const dbName = c.connection.kind === 'embedded' ? (c.connection.database ?? 'postgres') : resolveConnectionString(c.connection.url, undefined, rowField).database;
    out.push({ name: parsed.data.name ?? `${dbName}@${c.host}`, labels: parsed.data.labels ?? {}, ...c, source: parsed.data.dsn });
  });
  return out;
}

export interface ResolveOptions {
  /** `tier=gold`: the CLI's --targets */
  select?: string;
  /** the URL of an embedded database (queries on `embedded:<db>`) */
  openEmbedded: (database: string) => Promise<string>;
}

/** The targets of an environment, sorted by name; names are unique. */
export async function resolveEnvironment(config: ProjectConfig, env: string, opts: ResolveOptions): Promise<FleetTarget[]> {
  const e = config.environments[env];
  if (!e) {
    const known = Object.keys(config.environments);
    throw new ConfitureError('config_error', `No environment "${env.slice(0, 63)}" in confiture.yaml${known.length ? ` (known: ${known.join(', ')})` : ' (it has no environments section)'}`, { field: 'environments' });
  }
  const names = e.targets === '*' ? Object.keys(config.targets) : e.targets;
  const out: FleetTarget[] = [];
  for (const [i, n] of names.entries()) {
    const t = config.targets[n];
    if (!t) throw new ConfitureError('config_error', `environments.${env}.targets[${i}]: no target named "${n}" in targets`, { field: `environments.${env}.targets[${i}]` });
    const field = `targets.${n}`;
    const source = t.url !== undefined ? t.url : `service:${t.service!}`;
    const c = connectionFromSource(source, field);
    out.push({ name: n, labels: t.labels, ...c, host: t.host ?? c.host, source });
  }
  if (e.query) out.push(...(await queryTargets(env, e.query, opts.openEmbedded)));
  const seen = new Set<string>();
  for (const t of out) {
    if (seen.has(t.name)) throw new ConfitureError('config_error', `environments.${env}: two targets are named "${t.name}"`, { field: `environments.${env}` });
    seen.add(t.name);
  }
  let selected = out;
  if (e.select) selected = selected.filter((t) => matchesSelector(t.labels, parseSelector(e.select!, `environments.${env}.select`)));
  if (opts.select) selected = selected.filter((t) => matchesSelector(t.labels, parseSelector(opts.select!, '--targets')));
  return selected.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

/** The rollout settings of an environment: `fleet.rollout` with the environment's overrides. */
export function rolloutConfigFor(config: ProjectConfig, env: string): RolloutConfig {
  return mergeRollout(config.fleet.rollout, config.environments[env]?.rollout);
}
