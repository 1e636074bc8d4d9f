/**
 * Parse results of project migration files, shared by one process's readers of the same file:
 * `migrate up` with a review parses every pending file three times otherwise (the engine's plan,
 * lint, the risk model). Keyed by path and checked against the full text and the parse limits, so
 * an edited file is parsed again. Bounded by the text size held (ASTs are ~30–50× their text), so a
 * large corpus evicts the oldest entries instead of growing memory. Consumers treat a ParsedFile as
 * read-only (per-statement memos live in WeakMaps keyed by the statement objects).
 */
import { parseSql, type ParsedFile } from './index';
import { parseLimits, type ParseLimits } from './limits';

const MAX_TEXT_BYTES = 2 * 1024 * 1024;
const MAX_FILE_BYTES = 256 * 1024;

interface Entry {
  text: string;
  limits: string;
  parsed: ParsedFile;
}

const entries = new Map<string, Entry>();
let held = 0;

/** parseSql(text, path), reusing the result of an earlier call with the same path, text and limits. */
export function parseSqlCached(text: string, path: string, limits: ParseLimits = parseLimits()): ParsedFile {
  const lk = `${limits.maxBytes}/${limits.maxDepth}`;
  const hit = entries.get(path);
  if (hit && hit.limits === lk && hit.text === text) return hit.parsed;
  const parsed = parseSql(text, path, limits);
  if (text.length > MAX_FILE_BYTES) return parsed;
  if (hit) {
    entries.delete(path);
    held -= hit.text.length;
  }
  entries.set(path, { text, limits: lk, parsed });
  held += text.length;
  for (const [k, e] of entries) {
    if (held <= MAX_TEXT_BYTES) break;
    entries.delete(k);
    held -= e.text.length;
  }
  return parsed;
}

/** Forgets every cached parse (tests). */
export function clearParseCache(): void {
  entries.clear();
  held = 0;
}
