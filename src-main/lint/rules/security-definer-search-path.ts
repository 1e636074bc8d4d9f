import { defElem, defElemTrue, names } from '../ast';
import { defineRule } from '../types';

function searchPath(options: unknown): string | null | undefined {
  if (!Array.isArray(options)) return undefined;
  for (const o of options) {
    const de = (o as { DefElem?: { defname?: string; arg?: { VariableSetStmt?: { name?: string; args?: { A_Const?: { sval?: { sval?: string } } }[] } } } }).DefElem;
    const vs = de?.defname === 'set' ? de.arg?.VariableSetStmt : undefined;
    if (vs?.name === 'search_path') return (vs.args ?? []).map((a) => a.A_Const?.sval?.sval ?? '').join(', ');
  }
  return undefined;
}

export default defineRule({
  id: 'security-definer-search-path',
  version: '1.0.0',
  severity: 'error',
  summary: 'SECURITY DEFINER functions must pin search_path.',
  rationale: 'A SECURITY DEFINER function runs with its owner\'s privileges; without a fixed search_path, a caller can create objects in a schema earlier in the path (or in pg_temp) that the function then calls with those privileges (CVE-2018-1058 class privilege escalation).',
  safeAlternative: 'Add `SET search_path = pg_catalog, app` (trusted schemas only, no $user or public, pg_temp last) to the function definition.',
  example: {
    bad: 'CREATE FUNCTION grant_bonus() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ UPDATE pay SET bonus = 1 $$;',
    good: 'CREATE FUNCTION grant_bonus() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, app AS $$ UPDATE app.pay SET bonus = 1 $$;',
  },
  equivalents: {},
  nodeTypes: ['CreateFunctionStmt', 'AlterFunctionStmt'],
  check(ctx) {
    for (const stmt of ctx.statements) {
      let options: unknown;
      let name: string;
      if (stmt.nodeType === 'CreateFunctionStmt') {
        options = stmt.node.options;
        name = names(stmt.node.funcname).join('.');
      } else if (stmt.nodeType === 'AlterFunctionStmt') {
        options = stmt.node.actions;
        name = names((stmt.node.func as { objname?: unknown } | undefined)?.objname).join('.');
      } else continue;
      if (!defElem(options, 'security') || !defElemTrue(options, 'security')) continue;
      const sp = searchPath(options);
      if (sp === undefined) {
        ctx.report(stmt, { message: `SECURITY DEFINER function ${name} does not pin search_path: callers can plant objects it will resolve with its owner's privileges.` });
      } else if (sp && /\$user|(^|,\s*)public(\s*,|$)/i.test(sp)) {
        ctx.report(stmt, { message: `SECURITY DEFINER function ${name} sets search_path = ${sp}, which includes a schema any role may write to ($user or public).`, help: 'Use only trusted schemas: SET search_path = pg_catalog, app' });
      }
    }
  },
});
