/**
 * Secrets come only from environment variables, written `${env:NAME}` in urls, headers,
 * routing keys and command env. Every value resolved that way is remembered and replaced by
 * `[redacted:NAME]` in outputs, errors and logs.
 */
import { redactText } from '../logging';

export class HookConfigError extends Error {}

const ENV_REF = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export class SecretBag {
  private readonly values = new Map<string, string>();

  /** Remembers a resolved secret; any length counts (a 3-character token is still a token). */
  add(name: string, value: string): void {
    if (value.length > 0) this.values.set(value, name);
  }

  /**
   * Replaces every known secret with `[redacted:NAME]`: the ones resolved for this hook, and
   * every secret the process knows (connection passwords, PGPASSWORD, DATABASE_URL's password),
   * raw, URL-encoded or JSON-escaped, plus passwords inside URLs (logging/redact.ts).
   */
  redact(text: string): string;
  redact(text: string | null): string | null;
  redact(text: string | null): string | null {
    return text === null ? null : redactText(text, this.values);
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
