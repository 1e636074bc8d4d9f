/**
 * Whether a DEFAULT expression is volatile (PostgreSQL then evaluates it per row and rewrites the
 * table on ADD COLUMN). With a catalog the answer comes from pg_proc.provolatile; without one,
 * from the built-ins we know, else it is left unknown.
 */
import type { CatalogIndexMaps } from './catalog-maps';
import type { PlanChecks } from './plan';

const VOLATILE_BUILTINS = new Set([
  'random', 'random_normal', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuidv4', 'uuidv7', 'nextval', 'txid_current', 'pg_current_xact_id', 'setseed', 'gen_random_bytes', 'gen_salt',
]);
const STABLE_OR_IMMUTABLE_BUILTINS = new Set([
  'now', 'transaction_timestamp', 'statement_timestamp', 'current_date', 'current_time', 'current_timestamp', 'localtime', 'localtimestamp',
  'lower', 'upper', 'coalesce', 'nullif', 'greatest', 'least', 'to_jsonb', 'to_json', 'jsonb_build_object', 'json_build_object', 'jsonb_build_array',
  'json_build_array', 'array', 'make_interval', 'make_date', 'make_timestamp', 'make_timestamptz', 'to_timestamp', 'to_date', 'to_char', 'length',
  'abs', 'round', 'concat', 'trim', 'md5', 'timezone', 'date_trunc', 'current_user', 'session_user', 'current_schema', 'current_database',
  'jsonb', 'json', 'array_to_string', 'string_to_array', 'replace', 'substring', 'left', 'right', 'lpad', 'rpad', 'encode', 'decode',
  'extract', 'date_part', 'age', 'int4', 'int8', 'numeric', 'text', 'floor', 'ceil', 'ceiling',
]);

export interface Volatility {
  verdict: 'volatile' | 'safe' | 'unknown';
  /** the function that decided it */
  fn: string | null;
  why: string | null;
}

/** Walks an AST value, calling `visit` on every `{ Type: body }` node (shared with analyze.ts). */
export function walk(value: unknown, visit: (type: string, body: Record<string, unknown>) => void): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const k in value as Record<string, unknown>) {
    const v = (value as Record<string, unknown>)[k];
    if (/^[A-Z]/.test(k) && v && typeof v === 'object' && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
    walk(v, visit);
  }
}

/** One function by name: volatile, safe, or unknown (with why). */
function functionVolatility(parts: string[], maps: CatalogIndexMaps | null, plan: PlanChecks): Volatility {
  const name = parts[parts.length - 1]!.toLowerCase();
  const schema = parts.length > 1 ? parts[parts.length - 2]! : null;
  const label = `${parts.join('.')}()`;
  // the plan's own CREATE FUNCTION first, then the catalog, then what we know of the built-ins
  const keys = schema ? [`${schema}.${name}`] : [`public.${name}`, `pg_catalog.${name}`];
  for (const k of keys) {
    const v = plan.functions.get(k);
    if (v) return v === 'v' ? { verdict: 'volatile', fn: label, why: `${label} is VOLATILE (created by this plan)` } : { verdict: 'safe', fn: label, why: null };
  }
  if (maps?.has.functions) {
    for (const k of keys) {
      const f = maps.functions.get(k);
      if (!f) continue;
      if (f.volatility.has('v')) {
        // a volatile LANGUAGE sql function whose body is a constant is inlined and does not rewrite
        if (f.language.has('sql') && !k.startsWith('pg_catalog.')) return { verdict: 'unknown', fn: label, why: `${label} is a VOLATILE SQL function: PostgreSQL may inline its body, so whether the table is rewritten depends on that body` };
        return { verdict: 'volatile', fn: label, why: `${label} is VOLATILE (per the catalog)` };
      }
      return { verdict: 'safe', fn: label, why: null };
    }
    // with a catalog: not a user function and not a volatile built-in
    if (!schema || schema === 'pg_catalog') return { verdict: 'safe', fn: label, why: null };
    return { verdict: 'unknown', fn: label, why: `${label} is not in the catalog` };
  }
  if (!schema || schema === 'pg_catalog') {
    if (VOLATILE_BUILTINS.has(name)) return { verdict: 'volatile', fn: label, why: `${label} is VOLATILE` };
    if (STABLE_OR_IMMUTABLE_BUILTINS.has(name)) return { verdict: 'safe', fn: label, why: null };
  }
  return { verdict: 'unknown', fn: label, why: `the volatility of ${label} is unknown without a catalog` };
}

/** A DEFAULT expression: volatile if any function in it is, unknown if any is unknown, else safe. */
export function defaultVolatility(expr: unknown, maps: CatalogIndexMaps | null, plan: PlanChecks): Volatility {
  let result: Volatility = { verdict: 'safe', fn: null, why: null };
  walk({ root: expr }, (type, body) => {
    if (result.verdict === 'volatile') return;
    if (type === 'FuncCall') {
      const parts = ((body.funcname as { String?: { sval?: string } }[] | undefined) ?? []).map((n) => n.String?.sval ?? '').filter(Boolean);
      if (parts.length === 0) return;
      const v = functionVolatility(parts, maps, plan);
      if (v.verdict === 'volatile' || (v.verdict === 'unknown' && result.verdict === 'safe')) result = v;
    } else if (type === 'SubLink' && result.verdict === 'safe') result = { verdict: 'unknown', fn: null, why: 'a sub-query in the DEFAULT' };
  });
  return result;
}
