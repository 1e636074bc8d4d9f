/**
 * confiture.yaml: validated with zod; every error names the key and its line.
 * Each capability owns one section; unknown keys anywhere are errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isNode, type Node } from 'yaml';
import { z } from 'zod';
import { ConfitureError } from '../errors';
import { configSections } from './sections';
import { MAX_YAML_BYTES, readYaml, yamlTooLarge } from './yaml';

const identifier = z.string().regex(/^[a-z_][a-z0-9_$]{0,62}$/, 'a lower-case SQL identifier (letters, digits, _), at most 63 characters');

export const ProjectConfigSchema = z
  .object({
    name: z.string().min(1).max(200).optional(),
    /**
     * `project.id` keeps this project's rows apart from other projects' in a tracking schema they
     * share (same database). Default: derived from `name` (see deriveProjectId).
     */
    project: z
      .object({ id: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'a project id: lower-case letters, digits, ".", "_" or "-", starting with a letter or digit, at most 63 characters') })
      .strict()
      .optional(),
    /** folder of migration files, relative to the project */
    migrations: z.string().min(1).default('migrations'),
    /** follow symbolic links in the migrations folder (off: a link is an error, never skipped in silence) */
    followSymlinks: z.boolean().default(false),
    tracking: z.object({ schema: identifier.default('confiture') }).strict().default({ schema: 'confiture' }),
    ...configSections,
  })
  .strict();

export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export const CONFIG_FILE = 'confiture.yaml';

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_union') {
    // "Invalid input" tells a DBA nothing: show what the closest alternative wanted
    const inner = issue.errors.flat();
    const specific = inner.find((i) => i.code !== 'invalid_type') ?? inner[0];
    if (specific) return describeIssue(specific);
  }
  return issue.message;
}

/** Parses and validates config text; `file` is used in error locations. */
export function parseConfig(text: string, file: string): ProjectConfig {
  const { doc, lineCounter, value: raw } = readYaml(text, file, 'config_error');
  const result = ProjectConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keyPath = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys[0]) keyPath.push(issue.keys[0]);
  // the deepest node that exists gives the line
  let line: number | undefined;
  let column: number | undefined;
  for (let n = keyPath.length; n >= 0 && line === undefined; n--) {
    const p = keyPath.slice(0, n);
    const node = p.length === 0 ? doc.contents : doc.getIn(p, true);
    let range = isNode(node) ? (node as Node).range : undefined;
    if (issue.code === 'unrecognized_keys' && n === keyPath.length) {
      // point at the key itself, not its value
      const parent = doc.getIn(p.slice(0, -1), true) as { items?: { key: Node; value: Node }[] } | undefined;
      const pair = parent?.items?.find((it) => isNode(it.key) && String((it.key as unknown as { value: unknown }).value) === p[p.length - 1]);
      if (pair) range = pair.key.range;
    }
    if (range) {
      const pos = lineCounter.linePos(range[0]);
      line = pos.line;
      column = pos.col;
    }
  }
  const field = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const fieldLabel = field || '(top level)';
  throw new ConfitureError('config_error', `${file}${line ? `:${line}` : ''}: ${fieldLabel}: ${describeIssue(issue)}`, {
    file,
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
    field: field || undefined,
  });
}

export function loadConfig(projectDir: string): ProjectConfig {
  const file = path.join(projectDir, CONFIG_FILE);
  let text: string;
  let size: number;
  try {
    size = fs.statSync(file).size;
    // refused before reading: a huge file must not cost its size in memory
    if (size <= MAX_YAML_BYTES) text = fs.readFileSync(file, 'utf8');
    else text = '';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfitureError('config_error', `${projectDir} is not a Confiture project: ${CONFIG_FILE} is missing`, { file });
    }
    throw new ConfitureError('config_error', `Cannot read ${file}: ${(e as Error).message}`, { file });
  }
  if (size > MAX_YAML_BYTES) throw yamlTooLarge(file, size, 'config_error');
  return parseConfig(text, file);
}
