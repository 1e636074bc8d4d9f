/**
 * `confiture down draft VERSION`: a down migration drafted from the up migration's statements,
 * read from the libpg-query AST. Each reversible statement is undone in reverse order; each
 * irreversible one is listed with the reason. The output says it is a draft to review.
 */
import { quoteIdent } from '../db';
import { initParser, parseSql, type ParsedStatement } from '../parse';

export interface DownStep {
  /** line of the up statement */
  line: number;
  up: string;
  /** the reversing SQL, or null when irreversible */
  down: string | null;
  /** why a statement cannot be reversed (or a caution about the reversal) */
  note: string | null;
}

export interface DownDraft {
  sql: string;
  steps: DownStep[];
  irreversible: { line: number; statement: string; reason: string }[];
}

type N = Record<string, unknown>;

const str = (list: unknown): string[] => (Array.isArray(list) ? list.map((x) => (x as { String?: { sval?: string } }).String?.sval ?? '').filter(Boolean) : []);

function rel(rv: unknown): string {
  const r = rv as { schemaname?: string; relname?: string };
  return [r.schemaname, r.relname].filter((x): x is string => !!x).map(quoteIdent).join('.');
}
function schemaOf(rv: unknown): string | null {
  return (rv as { schemaname?: string }).schemaname ?? null;
}
function qualified(names: string[]): string {
  return names.map(quoteIdent).join('.');
}
function typeName(t: unknown): string {
  const tn = t as { names?: unknown; arrayBounds?: unknown[] };
  const parts = str(tn.names);
  const base = parts[0] === 'pg_catalog' ? parts.slice(1).join('.') : parts.map(quoteIdent).join('.');
  return base + (Array.isArray(tn.arrayBounds) ? '[]'.repeat(tn.arrayBounds.length) : '');
}

function reverse(s: ParsedStatement): { down: string | null; note: string | null } {
  const n = s.node as N;
  const no = (reason: string) => ({ down: null, note: reason });
  switch (s.nodeType) {
    case 'CreateStmt':
      return { down: `DROP TABLE${n.if_not_exists ? ' IF EXISTS' : ''} ${rel(n.relation)};`, note: 'drops the table and its data' };
    case 'IndexStmt': {
      if (!n.idxname) return no('the index has no name in the migration: PostgreSQL generated one; name it (CREATE INDEX name ON …) to draft its DROP');
      const name = [schemaOf(n.relation), n.idxname as string].filter((x): x is string => !!x).map(quoteIdent).join('.');
      return { down: `DROP INDEX${n.concurrent ? ' CONCURRENTLY' : ''}${n.if_not_exists ? ' IF EXISTS' : ''} ${name};`, note: null };
    }
    case 'ViewStmt':
      return n.replace ? no('CREATE OR REPLACE VIEW: the previous definition is not in this migration') : { down: `DROP VIEW ${rel(n.view)};`, note: null };
    case 'CreateTableAsStmt': {
      const into = (n.into as N | undefined)?.rel;
      const mat = n.objtype === 'OBJECT_MATVIEW';
      return into ? { down: `DROP ${mat ? 'MATERIALIZED VIEW' : 'TABLE'} ${rel(into)};`, note: mat ? null : 'drops the table and its data' } : no('no target relation');
    }
    case 'CreateSeqStmt':
      return { down: `DROP SEQUENCE${n.if_not_exists ? ' IF EXISTS' : ''} ${rel(n.sequence)};`, note: null };
    case 'CreateEnumStmt':
      return { down: `DROP TYPE ${qualified(str(n.typeName))};`, note: null };
    case 'CreateSchemaStmt':
      return { down: `DROP SCHEMA${n.if_not_exists ? ' IF EXISTS' : ''} ${quoteIdent(n.schemaname as string)};`, note: null };
    case 'CreateFunctionStmt': {
      if (n.replace) return no('CREATE OR REPLACE FUNCTION: the previous definition is not in this migration');
      const params = ((n.parameters as N[] | undefined) ?? []).map((p) => p.FunctionParameter as N).filter((p) => p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE');
      const kind = n.is_procedure ? 'PROCEDURE' : 'FUNCTION';
      return { down: `DROP ${kind} ${qualified(str(n.funcname))}(${params.map((p) => typeName(p.argType)).join(', ')});`, note: null };
    }
    case 'CreateTrigStmt':
      return n.replace ? no('CREATE OR REPLACE TRIGGER: the previous definition is not in this migration') : { down: `DROP TRIGGER ${quoteIdent(n.trigname as string)} ON ${rel(n.relation)};`, note: null };
    case 'RenameStmt': {
      const t = n.renameType as string;
      const newname = n.newname as string;
      if (t === 'OBJECT_TABLE' || t === 'OBJECT_VIEW' || t === 'OBJECT_INDEX' || t === 'OBJECT_SEQUENCE' || t === 'OBJECT_MATVIEW') {
        const word = { OBJECT_TABLE: 'TABLE', OBJECT_VIEW: 'VIEW', OBJECT_INDEX: 'INDEX', OBJECT_SEQUENCE: 'SEQUENCE', OBJECT_MATVIEW: 'MATERIALIZED VIEW' }[t];
        const r = n.relation as { schemaname?: string; relname: string };
        const renamed = [r.schemaname, newname].filter((x): x is string => !!x).map(quoteIdent).join('.');
        return { down: `ALTER ${word} ${renamed} RENAME TO ${quoteIdent(r.relname)};`, note: null };
      }
      if (t === 'OBJECT_COLUMN') return { down: `ALTER TABLE ${rel(n.relation)} RENAME COLUMN ${quoteIdent(newname)} TO ${quoteIdent(n.subname as string)};`, note: null };
      if (t === 'OBJECT_TABCONSTRAINT') return { down: `ALTER TABLE ${rel(n.relation)} RENAME CONSTRAINT ${quoteIdent(newname)} TO ${quoteIdent(n.subname as string)};`, note: null };
      return no(`renaming a ${t.replace('OBJECT_', '').toLowerCase()} is not drafted: reverse it by hand`);
    }
    case 'AlterTableStmt': {
      const table = rel(n.relation);
      const downs: string[] = [];
      const notes: string[] = [];
      for (const c of ((n.cmds as N[] | undefined) ?? []).map((x) => x.AlterTableCmd as N)) {
        const def = c.def as N | undefined;
        switch (c.subtype) {
          case 'AT_AddColumn': {
            const col = (def?.ColumnDef as N).colname as string;
            downs.unshift(`ALTER TABLE ${table} DROP COLUMN${c.missing_ok ? ' IF EXISTS' : ''} ${quoteIdent(col)};`);
            notes.push(`dropping ${col} loses what was written to it`);
            break;
          }
          case 'AT_AddConstraint': {
            const con = def?.Constraint as N;
            if (!con?.conname) return no('the constraint has no name in the migration: PostgreSQL generated one; name it (ADD CONSTRAINT name …) to draft its DROP');
            downs.unshift(`ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(con.conname as string)};`);
            break;
          }
          case 'AT_SetNotNull':
            downs.unshift(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name as string)} DROP NOT NULL;`);
            break;
          case 'AT_DropNotNull':
            downs.unshift(`ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.name as string)} SET NOT NULL;`);
            notes.push(`SET NOT NULL on ${String(c.name)} fails if NULLs were written meanwhile`);
            break;
          case 'AT_ValidateConstraint':
            // validating is not undone: the constraint stays, valid
            break;
          case 'AT_DropColumn':
            return no(`DROP COLUMN ${String(c.name)}: the column and its data are gone; restore it from a backup or re-create it by hand`);
          case 'AT_DropConstraint':
            return no(`DROP CONSTRAINT ${String(c.name)}: its definition is not in this migration`);
          case 'AT_AlterColumnType':
            return no(`ALTER COLUMN ${String(c.name)} TYPE: the previous type is not in this migration (and converting back may lose data)`);
          case 'AT_ColumnDefault':
            return no(`ALTER COLUMN ${String(c.name)} ${def ? 'SET' : 'DROP'} DEFAULT: the previous default is not in this migration`);
          default:
            return no(`ALTER TABLE … ${String(c.subtype).replace(/^AT_/, '')} is not drafted: reverse it by hand`);
        }
      }
      return { down: downs.join('\n'), note: notes.length ? notes.join('; ') : null };
    }
    case 'DropStmt':
      return no(`DROP ${String(n.removeType).replace('OBJECT_', '')}: what it dropped (definition and data) is not in this migration`);
    case 'TruncateStmt':
    case 'DeleteStmt':
      return no('deleted rows cannot be restored from the migration');
    case 'UpdateStmt':
    case 'InsertStmt':
      return no('a data change: the previous values are not in this migration');
    default:
      return no(`${s.kind} is not drafted: reverse it by hand`);
  }
}

export async function draftDown(text: string, file: string): Promise<DownDraft> {
  await initParser();
  const parsed = parseSql(text, file);
  const problem = parsed.problems.find((p) => p.severity === 'error');
  if (problem) return { sql: `-- cannot draft: ${file}:${problem.line ?? 1}: ${problem.message}\n`, steps: [], irreversible: [{ line: problem.line ?? 1, statement: '', reason: problem.message }] };
  const steps: DownStep[] = parsed.statements.filter((s) => s.txControl === null).map((s) => ({ line: s.range.start.line, up: s.sql, ...reverse(s) }));
  const irreversible = steps.filter((s) => s.down === null).map((s) => ({ line: s.line, statement: s.up.split('\n')[0]!.slice(0, 120), reason: s.note! }));
  const out: string[] = [];
  if (parsed.directives.noTransaction || parsed.hasNonTransactional) out.push('-- confiture: no-transaction');
  out.push(`-- DRAFT down migration for ${file}, written by \`confiture down draft\`: REVIEW IT before use.`);
  out.push('-- Statements are reversed in reverse order.');
  if (irreversible.length) out.push(`-- ${irreversible.length} statement(s) cannot be reversed automatically (see IRREVERSIBLE below): this draft is incomplete.`);
  for (const s of [...steps].reverse()) {
    out.push('');
    out.push(`-- undoes line ${s.line}: ${s.up.split('\n')[0]!.slice(0, 100)}`);
    if (s.down === null) out.push(`-- IRREVERSIBLE: ${s.note}`);
    else {
      if (s.note) out.push(`-- caution: ${s.note}`);
      out.push(s.down);
    }
  }
  return { sql: out.join('\n') + '\n', steps, irreversible };
}
