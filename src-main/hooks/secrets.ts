/**
 * Secrets come only from environment variables, written `${env:NAME}` in urls, headers,
 * routing keys and command env. Every value resolved that way is remembered and replaced by
 * `[redacted:NAME]` in outputs, errors and logs.
 */
export class HookConfigError extends Error {}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Values shorter than this are not redacted (they would mangle ordinary text). */
const MIN_SECRET_LENGTH = 4;

export class SecretBag {
  private readonly values = new Map<string, string>();

  add(name: string, value: string): void {
    if (value.length >= MIN_SECRET_LENGTH) this.values.set(value, name);
  }

  /** Replaces every known secret (raw or URL-encoded) with `[redacted:NAME]`. */
  redact(text: string): string;
  redact(text: string | null): string | null;
  redact(text: string | null): string | null {
    if (text === null || this.values.size === 0) return text;
    let out = text;
    const sorted = [...this.values.entries()].sort((a, b) => b[0].length - a[0].length);
    for (const [value, name] of sorted) {
      for (const form of new Set([value, encodeURIComponent(value)])) out = out.split(form).join(`[redacted:${name}]`);
    }
    return out;
  }
}

/** Resolves `${env:NAME}` references; a missing variable is an error naming it (never its value). */
export function interpolateEnv(template: string, env: NodeJS.ProcessEnv, secrets: SecretBag, field: string): string {
  return template.replace(ENV_REF, (_m, name: string) => {
    const value = env[name];
    if (value === undefined || value === '') throw new HookConfigError(`${field}: environment variable ${name} is not set`);
    secrets.add(name, value);
    return value;
  });
}

/** Names of the variables a template refers to. */
export function envRefs(template: string): string[] {
  return [...template.matchAll(ENV_REF)].map((m) => m[1]!);
}

/** Cuts text to `max` characters, keeping the end (where errors usually are) when it is long. */
export function excerpt(text: string, max = 4000): string {
  if (text.length <= max) return text;
  const head = Math.floor(max * 0.3);
  return `${text.slice(0, head)}\n… [${text.length - max} characters cut] …\n${text.slice(text.length - (max - head))}`;
}
