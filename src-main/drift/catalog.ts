/**
 * A schema snapshot from pg_catalog and the diff of two of them: tables, columns (type, default,
 * NOT NULL), constraints, indexes, views, functions, triggers, enum types, sequences and table
 * grants. Definitions come from the server's own deparsers (pg_get_constraintdef,
 * pg_get_indexdef, pg_get_viewdef, pg_get_functiondef, pg_get_triggerdef), so equal objects
 * compare equal on the same major version; nothing is parsed from text.
 */
import type pg from 'pg';

type Q = Pick<pg.ClientBase, 'query'>;

export type ObjectKind = 'table' | 'column' | 'constraint' | 'index' | 'view' | 'function' | 'trigger' | 'type' | 'sequence' | 'grant';

export interface CatalogObject {
  kind: ObjectKind;
  /** stable identity: `public.orders`, `public.orders.id`, `public.orders_pkey` … */
  key: string;
  /** the table a column/constraint/trigger/grant belongs to */
  table?: string;
  /** what is compared */
  props: Record<string, string | boolean | null>;
}

export type Snapshot = Map<string, CatalogObject>;

const q = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** The user's objects: not system schemas, not the given ones (tracking, fleet), not extension members. */
function schemaFilter(alias: string): string {
  return `${alias}.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND ${alias}.nspname NOT LIKE 'pg_temp_%' AND ${alias}.nspname NOT LIKE 'pg_toast_temp_%' AND NOT (${alias}.nspname = ANY($1::text[]))`;
}
const notExtension = (classid: string, objid: string) => `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classid}'::regclass AND d.objid = ${objid} AND d.deptype = 'e')`;

export async function snapshotCatalog(db: Q, excludeSchemas: string[]): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  const add = (o: CatalogObject) => snap.set(`${o.kind}:${o.key}`, o);
  const args = [excludeSchemas];

  const tables = await db.query<{ s: string; t: string; kind: string; owner: string; acl: string[] | null }>(
    `SELECT n.nspname AS s, c.relname AS t, c.relkind::text AS kind, pg_get_userbyid(c.relowner) AS owner, c.relacl::text[] AS acl
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of tables.rows) add({ kind: 'table', key: `${r.s}.${r.t}`, props: { partitioned: r.kind === 'p' } });

  const cols = await db.query<{ s: string; t: string; col: string; type: string; notnull: boolean; def: string | null; identity: string; generated: string }>(
    `SELECT n.nspname AS s, c.relname AS t, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
            pg_get_expr(ad.adbin, ad.adrelid) AS def, a.attidentity::text AS identity, a.attgenerated::text AS generated
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of cols.rows) {
    add({ kind: 'column', key: `${r.s}.${r.t}.${r.col}`, table: `${r.s}.${r.t}`, props: { type: r.type, notnull: r.notnull, default: r.def, identity: r.identity || null, generated: r.generated || null } });
  }

  const cons = await db.query<{ s: string; t: string; name: string; def: string }>(
    `SELECT n.nspname AS s, c.relname AS t, con.conname AS name, pg_get_constraintdef(con.oid, true) AS def
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE con.contype IN ('p', 'u', 'f', 'c', 'x') AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of cons.rows) add({ kind: 'constraint', key: `${r.s}.${r.t}.${r.name}`, table: `${r.s}.${r.t}`, props: { def: r.def } });

  const idx = await db.query<{ s: string; name: string; t: string; def: string }>(
    `SELECT n.nspname AS s, ic.relname AS name, c.relname AS t, pg_get_indexdef(i.indexrelid) AS def
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
     WHERE ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}
       AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))`,
    args,
  );
  for (const r of idx.rows) add({ kind: 'index', key: `${r.s}.${r.name}`, table: `${r.s}.${r.t}`, props: { def: r.def } });

  const views = await db.query<{ s: string; v: string; kind: string; def: string }>(
    `SELECT n.nspname AS s, c.relname AS v, c.relkind::text AS kind, pg_get_viewdef(c.oid, true) AS def
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('v', 'm') AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of views.rows) add({ kind: 'view', key: `${r.s}.${r.v}`, props: { materialized: r.kind === 'm', def: r.def } });

  const fns = await db.query<{ s: string; name: string; args: string; def: string }>(
    `SELECT n.nspname AS s, p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, pg_get_functiondef(p.oid) AS def
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE p.prokind IN ('f', 'p') AND ${schemaFilter('n')} AND ${notExtension('pg_proc', 'p.oid')}`,
    args,
  );
  for (const r of fns.rows) add({ kind: 'function', key: `${r.s}.${r.name}(${r.args})`, props: { def: r.def } });

  const trg = await db.query<{ s: string; t: string; name: string; def: string; enabled: string }>(
    `SELECT n.nspname AS s, c.relname AS t, tg.tgname AS name, pg_get_triggerdef(tg.oid, true) AS def, tg.tgenabled::text AS enabled
     FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT tg.tgisinternal AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of trg.rows) add({ kind: 'trigger', key: `${r.s}.${r.t}.${r.name}`, table: `${r.s}.${r.t}`, props: { def: r.def, enabled: r.enabled !== 'D' } });

  const enums = await db.query<{ s: string; name: string; labels: string }>(
    `SELECT n.nspname AS s, t.typname AS name, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) AS labels
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
     WHERE ${schemaFilter('n')} AND ${notExtension('pg_type', 't.oid')} GROUP BY 1, 2`,
    args,
  );
  for (const r of enums.rows) add({ kind: 'type', key: `${r.s}.${r.name}`, props: { enum: r.labels } });

  const seqs = await db.query<{ s: string; name: string; type: string; inc: string; owned: boolean }>(
    `SELECT n.nspname AS s, c.relname AS name, format_type(sq.seqtypid, NULL) AS type, sq.seqincrement::text AS inc,
            EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) AS owned
     FROM pg_sequence sq JOIN pg_class c ON c.oid = sq.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  // sequences of serial/identity columns come with their column; only free-standing ones are objects
  for (const r of seqs.rows.filter((x) => !x.owned)) add({ kind: 'sequence', key: `${r.s}.${r.name}`, props: { type: r.type, increment: r.inc } });

  // table privileges granted to roles other than the owner (the owner differs between a scratch database and production)
  const grants = await db.query<{ s: string; t: string; grantee: string; privilege: string }>(
    `SELECT n.nspname AS s, c.relname AS t, CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END AS grantee, a.privilege_type AS privilege
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace, LATERAL aclexplode(c.relacl) a
     WHERE c.relkind IN ('r', 'p', 'v', 'm') AND c.relacl IS NOT NULL AND a.grantee <> c.relowner AND ${schemaFilter('n')} AND ${notExtension('pg_class', 'c.oid')}`,
    args,
  );
  for (const r of grants.rows) add({ kind: 'grant', key: `${r.privilege} on ${r.s}.${r.t} to ${r.grantee}`, table: `${r.s}.${r.t}`, props: { privilege: r.privilege, grantee: r.grantee } });
  return snap;
}

export interface Difference {
  kind: ObjectKind;
  object: string;
  /** missing: the migrations create it, the live database lacks it; extra: the other way; changed: both, different */
  change: 'missing' | 'extra' | 'changed';
  /** a DBA's sentence */
  message: string;
  expected: Record<string, string | boolean | null> | null;
  actual: Record<string, string | boolean | null> | null;
  /** SQL that makes the live database match the migrations (review it: `extra` means DROP) */
  sql: string;
}

function ident(dotted: string): string {
  return dotted.split('.').map(q).join('.');
}
function splitTable(key: string): { table: string; name: string } {
  const parts = key.split('.');
  return { table: parts.slice(0, 2).join('.'), name: parts.slice(2).join('.') };
}

const KIND_WORD: Record<ObjectKind, string> = { table: 'Table', column: 'Column', constraint: 'Constraint', index: 'Index', view: 'View', function: 'Function', trigger: 'Trigger', type: 'Type', sequence: 'Sequence', grant: 'Grant' };

function columnSql(name: string, p: CatalogObject['props']): string {
  return `${q(name)} ${String(p.type)}${p.default !== null && !p.identity ? ` DEFAULT ${String(p.default)}` : ''}${p.notnull ? ' NOT NULL' : ''}`;
}

function reconcile(kind: ObjectKind, change: Difference['change'], o: CatalogObject, exp: CatalogObject | undefined, act: CatalogObject | undefined, expectedSnap: Snapshot): string {
  const e = exp?.props ?? {};
  const a = act?.props ?? {};
  switch (kind) {
    case 'table': {
      if (change === 'extra') return `DROP TABLE ${ident(o.key)};  -- review: drops its data`;
      const columns = [...expectedSnap.values()].filter((x) => x.kind === 'column' && x.table === o.key).map((c) => `  ${columnSql(splitTable(c.key).name, c.props)}`);
      return `CREATE TABLE ${ident(o.key)} (\n${columns.join(',\n')}\n)${e.partitioned ? ' /* partitioned in the migrations: add PARTITION BY */' : ''};`;
    }
    case 'column': {
      const { table, name } = splitTable(o.key);
      const t = ident(table);
      if (change === 'missing') return `ALTER TABLE ${t} ADD COLUMN ${columnSql(name, e)};`;
      if (change === 'extra') return `ALTER TABLE ${t} DROP COLUMN ${q(name)};  -- review: drops its data`;
      const out: string[] = [];
      if (e.type !== a.type) out.push(`ALTER TABLE ${t} ALTER COLUMN ${q(name)} TYPE ${String(e.type)};`);
      if (e.default !== a.default) out.push(e.default === null ? `ALTER TABLE ${t} ALTER COLUMN ${q(name)} DROP DEFAULT;` : `ALTER TABLE ${t} ALTER COLUMN ${q(name)} SET DEFAULT ${String(e.default)};`);
      if (e.notnull !== a.notnull) out.push(`ALTER TABLE ${t} ALTER COLUMN ${q(name)} ${e.notnull ? 'SET' : 'DROP'} NOT NULL;`);
      if (e.identity !== a.identity || e.generated !== a.generated) out.push(`-- identity/generated differs on ${t}.${q(name)}: reconcile by hand`);
      return out.join('\n');
    }
    case 'constraint': {
      const { table, name } = splitTable(o.key);
      const drop = `ALTER TABLE ${ident(table)} DROP CONSTRAINT ${q(name)};`;
      const add = `ALTER TABLE ${ident(table)} ADD CONSTRAINT ${q(name)} ${String(e.def)};`;
      return change === 'missing' ? add : change === 'extra' ? drop : `${drop}\n${add}`;
    }
    case 'index': {
      const drop = `DROP INDEX ${ident(o.key)};`;
      return change === 'missing' ? `${String(e.def)};` : change === 'extra' ? drop : `${drop}\n${String(e.def)};`;
    }
    case 'view': {
      const word = (e.materialized ?? a.materialized) ? 'MATERIALIZED VIEW' : 'VIEW';
      if (change === 'extra') return `DROP ${word} ${ident(o.key)};`;
      const create = `CREATE ${word === 'VIEW' ? 'OR REPLACE VIEW' : word} ${ident(o.key)} AS\n${String(e.def).trim().replace(/;$/, '')};`;
      return change === 'changed' && word !== 'VIEW' ? `DROP ${word} ${ident(o.key)};\n${create}` : create;
    }
    case 'function': {
      if (change === 'extra') {
        const m = /^(.*)\.([^.(]+)\((.*)\)$/.exec(o.key);
        return m ? `DROP FUNCTION ${q(m[1]!)}.${q(m[2]!)}(${m[3]});` : `-- drop ${o.key}`;
      }
      return `${String(e.def).trim()};`;
    }
    case 'trigger': {
      const { table, name } = splitTable(o.key);
      const drop = `DROP TRIGGER ${q(name)} ON ${ident(table)};`;
      if (change === 'extra') return drop;
      if (change === 'changed' && e.def === a.def) return `ALTER TABLE ${ident(table)} ${e.enabled ? 'ENABLE' : 'DISABLE'} TRIGGER ${q(name)};`;
      return change === 'missing' ? `${String(e.def)};` : `${drop}\n${String(e.def)};`;
    }
    case 'type':
      if (change === 'missing') return `CREATE TYPE ${ident(o.key)} AS ENUM (${String(e.enum)});`;
      if (change === 'extra') return `DROP TYPE ${ident(o.key)};`;
      return `-- enum ${o.key}: the migrations have (${String(e.enum)}), the live database (${String(a.enum)}); add the missing labels with ALTER TYPE … ADD VALUE`;
    case 'sequence':
      if (change === 'missing') return `CREATE SEQUENCE ${ident(o.key)} AS ${String(e.type)} INCREMENT BY ${String(e.increment)};`;
      if (change === 'extra') return `DROP SEQUENCE ${ident(o.key)};`;
      return `ALTER SEQUENCE ${ident(o.key)} AS ${String(e.type)} INCREMENT BY ${String(e.increment)};`;
    case 'grant': {
      const p = (exp ?? act)!.props;
      const grantee = p.grantee === 'PUBLIC' ? 'PUBLIC' : q(String(p.grantee));
      return change === 'missing' ? `GRANT ${String(p.privilege)} ON ${ident(o.table!)} TO ${grantee};` : `REVOKE ${String(p.privilege)} ON ${ident(o.table!)} FROM ${grantee};`;
    }
  }
}

function describe(kind: ObjectKind, change: Difference['change'], o: CatalogObject, exp: CatalogObject | undefined, act: CatalogObject | undefined): string {
  if (kind === 'grant') {
    return change === 'missing' ? `The migrations grant ${o.key}, the live database does not` : `The live database grants ${o.key}, which no migration grants`;
  }
  const what = `${KIND_WORD[kind]} ${o.key}`;
  if (change === 'missing') return `${what} is missing from the live database (the migrations create it)`;
  if (change === 'extra') return `${what} exists in the live database but no migration creates it`;
  const e = exp!.props;
  const a = act!.props;
  const diffs: string[] = [];
  for (const k of Object.keys({ ...e, ...a })) {
    if (e[k] === a[k]) continue;
    if (k === 'type') diffs.push(`is ${String(a[k])} live, ${String(e[k])} in the migrations`);
    else if (k === 'notnull') diffs.push(a[k] ? 'is NOT NULL live, nullable in the migrations' : 'is nullable live, NOT NULL in the migrations');
    else if (k === 'default') diffs.push(`defaults to ${a[k] ?? 'nothing'} live, ${e[k] ?? 'nothing'} in the migrations`);
    else if (k === 'enabled') diffs.push(a[k] ? 'is enabled live, disabled in the migrations' : 'is disabled live, enabled in the migrations');
    else if (k === 'def') diffs.push('has a different definition');
    else diffs.push(`differs in ${k} (live ${String(a[k])}, migrations ${String(e[k])})`);
  }
  return `${what} ${diffs.join('; ')}`;
}

/** Differences that take `live` to `expected`, in an order a DBA can apply (creates first, drops last). */
export function diffCatalogs(expected: Snapshot, live: Snapshot): Difference[] {
  const out: Difference[] = [];
  const missingTables = new Set([...expected.values()].filter((o) => o.kind === 'table' && !live.has(`table:${o.key}`)).map((o) => o.key));
  const extraTables = new Set([...live.values()].filter((o) => o.kind === 'table' && !expected.has(`table:${o.key}`)).map((o) => o.key));
  const push = (kind: ObjectKind, change: Difference['change'], o: CatalogObject, exp: CatalogObject | undefined, act: CatalogObject | undefined) =>
    out.push({ kind, object: o.key, change, message: describe(kind, change, o, exp, act), expected: exp?.props ?? null, actual: act?.props ?? null, sql: reconcile(kind, change, o, exp, act, expected) });
  for (const [k, e] of expected) {
    const a = live.get(k);
    // the columns of a missing table come with its CREATE TABLE
    if (!a) {
      if (e.kind === 'column' && e.table && missingTables.has(e.table)) continue;
      push(e.kind, 'missing', e, e, undefined);
    } else if (JSON.stringify(e.props) !== JSON.stringify(a.props)) push(e.kind, 'changed', e, e, a);
  }
  for (const [k, a] of live) {
    if (expected.has(k)) continue;
    // a dropped table takes its columns, constraints, indexes, triggers and grants with it
    if (a.table && extraTables.has(a.table)) continue;
    push(a.kind, 'extra', a, undefined, a);
  }
  const order: ObjectKind[] = ['type', 'sequence', 'table', 'column', 'function', 'constraint', 'index', 'view', 'trigger', 'grant'];
  const rank = (d: Difference) => (d.change === 'extra' ? 100 : 0) + order.indexOf(d.kind);
  return out.sort((x, y) => rank(x) - rank(y) || x.object.localeCompare(y.object));
}
