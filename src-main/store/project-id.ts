/**
 * The project id derived from a project name when confiture.yaml sets none: lower case, every run
 * of characters other than a-z and 0-9 turned into one '-', trimmed of '-', at most 63
 * characters; 'default' when nothing is left. `projectIdSql` (store/index.ts) is the same rule in SQL (the schema
 * step that tags existing rows uses it): keep the two in step.
 */
export function deriveProjectId(name: string): string {
  const id = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
  return id || 'default';
}
