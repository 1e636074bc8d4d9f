/**
 * Column type changes: which ALTER COLUMN … TYPE changes PostgreSQL applies without rewriting the
 * table (binary-coercible, docs: ALTER TABLE notes), including timestamp ↔ timestamptz, which
 * skips the rewrite only when the session's TimeZone is a fixed zero offset (PG 12+).
 * Verified by tests/integration/locks.
 */

export interface TypeRef {
  /** last name part, lower-case as the parser gives it: `int4`, `varchar`, `timestamptz`, `my_domain` */
  name: string;
  schema: string | null;
  typmods: number[];
  array: boolean;
}

const FORMAT_TYPE: Record<string, string> = {
  'character varying': 'varchar',
  character: 'bpchar',
  char: 'bpchar',
  integer: 'int4',
  int: 'int4',
  bigint: 'int8',
  smallint: 'int2',
  decimal: 'numeric',
  'timestamp without time zone': 'timestamp',
  'timestamp with time zone': 'timestamptz',
  'time without time zone': 'time',
  'time with time zone': 'timetz',
  'bit varying': 'varbit',
  'double precision': 'float8',
  float: 'float8',
  real: 'float4',
  boolean: 'bool',
};

/** `character varying(20)` / `timestamp(3) without time zone` (format_type output) → TypeRef. */
export function parseFormatType(s: string): TypeRef {
  const lower = s.trim().toLowerCase();
  const array = lower.endsWith('[]');
  const body = array ? lower.slice(0, -2) : lower;
  const mods = /\(([^)]*)\)/.exec(body);
  const base = body.replace(/\([^)]*\)/, '').replace(/\s+/g, ' ').trim();
  const unqualified = base.replace(/^pg_catalog\./, '');
  const dot = unqualified.lastIndexOf('.');
  return {
    name: FORMAT_TYPE[unqualified] ?? (dot >= 0 ? unqualified.slice(dot + 1) : unqualified),
    schema: dot >= 0 ? unqualified.slice(0, dot) : null,
    typmods: mods ? mods[1]!.split(',').map((x) => Number(x.trim())) : [],
    array,
  };
}

/** The parser's type names (`int4`, `varchar`) for what a DBA may write (`integer`, `character varying`). */
export function canonicalTypeName(name: string): string {
  return FORMAT_TYPE[name] ?? name;
}

/** Zones whose UTC offset is zero and fixed: PostgreSQL's pg_get_timezone_offset() says 0 for them. */
const UTC_ZONES = new Set(['utc', 'etc/utc', 'uct', 'etc/uct', 'gmt', 'etc/gmt', 'etc/gmt+0', 'etc/gmt-0', 'etc/gmt0', 'gmt+0', 'gmt-0', 'gmt0', 'greenwich', 'etc/greenwich', 'universal', 'etc/universal', 'zulu', 'etc/zulu', 'z']);

/** Is this TimeZone setting a fixed zero offset (`UTC`, `Etc/UTC`, `GMT`, POSIX `UTC0`, `+00`…)? */
export function isFixedUtc(timeZone: string): boolean {
  const tz = timeZone.trim().replace(/^'|'$/g, '').toLowerCase();
  if (UTC_ZONES.has(tz)) return true;
  // POSIX-style: an abbreviation (optional) and a zero offset, no daylight-saving part
  return /^([a-z]{3,}|<[^>]+>)?[+-]?0{1,2}(:00(:00)?)?$/.test(tz);
}

export interface TypeChangeVerdict {
  /** true: no rewrite; false: rewrite; 'unknown': decided by something we do not know */
  coercible: boolean | 'unknown';
  /** why, when it depends on a setting */
  note?: string;
}

/**
 * Can PostgreSQL change `from` → `to` without rewriting the table? `timeZone` is the session's
 * TimeZone when known (from the catalog or a SET earlier in the migration), null when not.
 */
export function typeChangeVerdict(from: TypeRef, to: TypeRef, pgVersion: number, timeZone: string | null): TypeChangeVerdict {
  const f = { ...from, name: canonicalTypeName(from.name) };
  const t = { ...to, name: canonicalTypeName(to.name) };
  if (f.array !== t.array) return { coercible: false };
  const widened = (a: number[], b: number[]) => b.length === 0 || (a.length > 0 && b[0]! >= a[0]!);
  if (f.name === t.name) {
    if (f.typmods.join() === t.typmods.join()) return { coercible: true, note: 'same type' };
    if (['varchar', 'varbit', 'timestamp', 'timestamptz', 'time', 'timetz', 'interval'].includes(t.name)) return { coercible: widened(f.typmods, t.typmods) };
    if (t.name === 'numeric') {
      if (t.typmods.length === 0) return { coercible: true };
      return { coercible: f.typmods.length > 0 && t.typmods[0]! >= f.typmods[0]! && (t.typmods[1] ?? 0) === (f.typmods[1] ?? 0) };
    }
    return { coercible: false };
  }
  if (f.name === 'varchar' && t.name === 'text') return { coercible: true };
  if (f.name === 'text' && t.name === 'varchar' && t.typmods.length === 0) return { coercible: true };
  if (f.name === 'cidr' && t.name === 'inet') return { coercible: true };
  const tsPair = (f.name === 'timestamp' && t.name === 'timestamptz') || (f.name === 'timestamptz' && t.name === 'timestamp');
  if (tsPair && pgVersion >= 12 && widened(f.typmods, t.typmods)) {
    if (timeZone === null) return { coercible: 'unknown', note: "no rewrite only when the session TimeZone is UTC (PostgreSQL 12+): the server's TimeZone is unknown without a catalog" };
    return isFixedUtc(timeZone)
      ? { coercible: true, note: `the session TimeZone (${timeZone}) is UTC, so PostgreSQL 12+ keeps the stored values` }
      : { coercible: false, note: `the session TimeZone is ${timeZone}, not UTC: every value is converted (SET TimeZone = 'UTC' first to skip the rewrite)` };
  }
  return { coercible: false };
}
