/**
 * Value-based redaction, the one function that keeps secrets out of logs and stored outputs
 * (hook executions, hook errors). Key-based redaction (pino `redact` paths) misses a password
 * inside a message, a connection string or a hook's stdout; this does not:
 *
 * - every registered secret (connection passwords, as they are resolved) and the secrets of the
 *   environment (PGPASSWORD, the password of DATABASE_URL), whatever their length, raw, URL-encoded
 *   and JSON-escaped;
 * - the password part of any URL (`scheme://user:password@host`) and libpq `password=...` pairs.
 */

const registered = new Map<string, string>();

/** Remembers a secret value for the life of the process; it is redacted as `[redacted:label]`. */
export function registerSecret(label: string, value: string | null | undefined): void {
  if (value) registered.set(value, label);
}

function environmentSecrets(env: NodeJS.ProcessEnv): [string, string][] {
  const out: [string, string][] = [];
  if (env.PGPASSWORD) out.push([env.PGPASSWORD, 'PGPASSWORD']);
  if (env.DATABASE_URL) {
    try {
      const pw = new URL(env.DATABASE_URL).password;
      if (pw) out.push([decodeURIComponent(pw), 'DATABASE_URL password']);
    } catch {
      // not a URL: nothing to take from it
    }
  }
  return out;
}

/** The forms a value takes in text: as is, URL-encoded, JSON-escaped. */
function forms(value: string): string[] {
  return [...new Set([value, encodeURIComponent(value), JSON.stringify(value).slice(1, -1)])].filter((f) => f.length > 0);
}

// user:password@ in any URL; the password may hold anything but @ / and whitespace once encoded
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi;
// libpq keyword/value connection strings: password=secret or password='se cret'
const KEYWORD_PASSWORD = /\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"]+)/gi;

/**
 * Replaces every secret this process knows (plus `extra`: value → label) in a text.
 * Longer secrets first, so one that contains another is replaced whole.
 */
export function redactText(text: string, extra?: ReadonlyMap<string, string>, env: NodeJS.ProcessEnv = process.env): string {
  if (!text) return text;
  const all = new Map<string, string>(registered);
  for (const [v, l] of environmentSecrets(env)) all.set(v, l);
  if (extra) for (const [v, l] of extra) if (v) all.set(v, l);
  let out = text;
  const sorted = [...all.entries()].sort((a, b) => b[0].length - a[0].length);
  for (const [value, label] of sorted) {
    for (const form of forms(value)) if (out.includes(form)) out = out.split(form).join(`[redacted:${label}]`);
  }
  return out.replace(URL_PASSWORD, '$1[redacted]@').replace(KEYWORD_PASSWORD, '$1[redacted]');
}

/** redactText over every string of a JSON-like value (log records). */
export function redactDeep<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value === 'string') return redactText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, seen)) as T;
  if (value instanceof Error) return { ...redactDeep({ ...value }, seen), message: redactText(value.message), ...(value.stack ? { stack: redactText(value.stack) } : {}) } as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = redactDeep(v, seen);
  return out as T;
}
