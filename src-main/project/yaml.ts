/**
 * Reading YAML from outside (confiture.yaml, workload files) with bounded cost: a size cap,
 * a cap on aliases (a "billion laughs" file expands nine-fold per level), and every failure —
 * syntax, unknown alias, too many aliases, absurd nesting — a located error, never `internal`.
 */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import { formatBytes } from '../../src-shared/format';
import type { ErrorCode } from '../../src-shared/errors';
import { ConfitureError } from '../errors';

/** confiture.yaml and workload files are hand-written: 1 MB is far beyond any real one. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** aliases resolved while building the value (the yaml library's own count, its default 100) */
export const MAX_YAML_ALIASES = 100;

export interface YamlFile {
  doc: Document.Parsed;
  lineCounter: LineCounter;
  value: unknown;
}

function firstAlias(doc: Document.Parsed): { offset: number; name: string } | null {
  let found: { offset: number; name: string } | null = null;
  visit(doc, {
    Alias(_key, node) {
      found = { offset: node.range?.[0] ?? 0, name: node.source };
      return visit.BREAK;
    },
  });
  return found;
}

/** The refusal of a YAML file over the size limit (checked before reading, when the caller can). */
export function yamlTooLarge(file: string, bytes: number, code: ErrorCode): ConfitureError {
  return new ConfitureError(code, `${file}: ${formatBytes(bytes)} is above the ${formatBytes(MAX_YAML_BYTES)} limit for a YAML file`, { file, line: 1 });
}

/** Parses YAML text into a value; `code` is the error code of every refusal (config_error for confiture.yaml). */
export function readYaml(text: string, file: string, code: ErrorCode): YamlFile {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_YAML_BYTES) throw yamlTooLarge(file, bytes, code);
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    throw new ConfitureError(code, `${file}: cannot be read as YAML (${(e as Error).message}); is it nested absurdly deep?`, { file, line: 1 });
  }
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const pos = lineCounter.linePos(err.pos[0]);
    const message = err.code === 'RESOURCE_EXHAUSTION' ? 'nested too deeply to be read (the YAML parser ran out of stack)' : err.message.split('\n')[0];
    throw new ConfitureError(code, `${file}:${pos.line}: ${message}`, { file, line: pos.line, column: pos.col });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) ?? {};
  } catch (e) {
    const alias = firstAlias(doc);
    const pos = alias ? lineCounter.linePos(alias.offset) : { line: 1, col: 1 };
    const message = (e as Error).message;
    const why = /Excessive alias count/i.test(message)
      ? `its aliases expand to too much data (more than ${MAX_YAML_ALIASES} alias resolutions: a "billion laughs" file?); write the values out`
      : /Unresolved alias/i.test(message)
        ? `${message.replace(/\s*\(the anchor must be set before the alias\)/, '')}: an alias must refer to an anchor (&name) defined before it`
        : message;
    throw new ConfitureError(code, `${file}:${pos.line}: ${why}`, { file, line: pos.line, column: pos.col });
  }
  return { doc, lineCounter, value };
}
