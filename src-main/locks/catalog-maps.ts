/** Lookup maps over a catalog snapshot, built once per snapshot and shared by every analysis. */
import type { CatalogForeignKey, CatalogIndex, CatalogSnapshot, CatalogTable, CatalogTrigger, TriggerEvent } from '../../src-shared/domain/catalog';

export interface CatalogIndexMaps {
  tables: Map<string, CatalogTable>;
  indexes: Map<string, CatalogIndex>;
  indexesByTable: Map<string, CatalogIndex[]>;
  fksByTable: Map<string, CatalogForeignKey[]>;
  fksByReferenced: Map<string, CatalogForeignKey[]>;
  sourcesOfView: Map<string, string[]>;
  /** views and sequences: `schema.name` → relkind */
  relations: Map<string, string>;
  /** `schema.function` → the volatilities and languages of its overloads */
  functions: Map<string, { volatility: Set<string>; language: Set<string> }>;
  /** `schema.domain` → has constraints */
  domains: Map<string, boolean>;
  /** `schema.function` → tables with a trigger calling it */
  triggerTables: Map<string, string[]>;
  /** table → its user triggers (events, body) */
  triggersOn: Map<string, CatalogTrigger[]>;
  /** schema → its relations (tables, views, sequences, matviews) */
  bySchema: Map<string, string[]>;
  /** `schema.table.column` → views reading it */
  viewsOfColumn: Map<string, string[]>;
  /** view/matview → relations its query reads */
  viewSources: Map<string, string[]>;
  /** extended statistics `schema.name` → its table `schema.table` */
  statistics: Map<string, string>;
  /** the snapshot lists functions / domains / views / statistics (older snapshots and hand-made ones may not) */
  has: { functions: boolean; domains: boolean; relations: boolean; triggers: boolean; viewColumns: boolean; statistics: boolean };
}

const mapsCache = new WeakMap<CatalogSnapshot, CatalogIndexMaps>();

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list) {
    if (!list.includes(v)) list.push(v);
  } else m.set(k, [v]);
}

export function catalogMaps(catalog: CatalogSnapshot): CatalogIndexMaps {
  const cached = mapsCache.get(catalog);
  if (cached) return cached;
  const maps: CatalogIndexMaps = {
    tables: new Map(),
    indexes: new Map(),
    indexesByTable: new Map(),
    fksByTable: new Map(),
    fksByReferenced: new Map(),
    sourcesOfView: new Map(),
    relations: new Map(),
    functions: new Map(),
    domains: new Map(),
    triggerTables: new Map(),
    triggersOn: new Map(),
    bySchema: new Map(),
    viewsOfColumn: new Map(),
    viewSources: new Map(),
    statistics: new Map(),
    has: { functions: !!catalog.functions, domains: !!catalog.domains, relations: !!catalog.relations, triggers: !!catalog.triggers, viewColumns: !!catalog.viewColumns, statistics: !!catalog.statistics },
  };
  for (const t of catalog.tables) {
    const key = `${t.schema}.${t.name}`;
    maps.tables.set(key, t);
    push(maps.bySchema, t.schema, key);
    for (const v of t.dependentViews) push(maps.sourcesOfView, v, key);
  }
  for (const i of catalog.indexes) {
    maps.indexes.set(`${i.schema}.${i.name}`, i);
    push(maps.indexesByTable, i.table, i);
  }
  for (const fk of catalog.foreignKeys) {
    push(maps.fksByTable, fk.table, fk);
    push(maps.fksByReferenced, fk.references, fk);
  }
  for (const r of catalog.relations ?? []) {
    maps.relations.set(`${r.schema}.${r.name}`, r.relkind);
    push(maps.bySchema, r.schema, `${r.schema}.${r.name}`);
  }
  for (const f of catalog.functions ?? []) {
    const key = `${f.schema}.${f.name}`;
    const e = maps.functions.get(key) ?? { volatility: new Set<string>(), language: new Set<string>() };
    e.volatility.add(f.volatility);
    e.language.add(f.language);
    maps.functions.set(key, e);
  }
  for (const d of catalog.domains ?? []) maps.domains.set(`${d.schema}.${d.name}`, d.constrained);
  for (const t of catalog.triggers ?? []) {
    push(maps.triggerTables, t.function, t.table);
    push(maps.triggersOn, t.table, t);
  }
  for (const v of catalog.viewSources ?? []) push(maps.viewSources, v.view, v.source);
  for (const v of catalog.viewColumns ?? []) push(maps.viewsOfColumn, `${v.table}.${v.column}`, v.view);
  for (const st of catalog.statistics ?? []) maps.statistics.set(`${st.schema}.${st.name}`, st.table);
  mapsCache.set(catalog, maps);
  return maps;
}

/** pg_trigger.tgtype bits (include/catalog/pg_trigger.h): ROW 1, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32. */
export function triggerShape(tgtype: number): { events: TriggerEvent[]; forEachRow: boolean } {
  const events: TriggerEvent[] = [];
  if (tgtype & 4) events.push('insert');
  if (tgtype & 16) events.push('update');
  if (tgtype & 8) events.push('delete');
  if (tgtype & 32) events.push('truncate');
  return { events, forEachRow: (tgtype & 1) !== 0 };
}
