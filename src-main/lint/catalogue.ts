/** Rules and libraries as data, for --list-rules, the docs generator and the GUI. */
import type { LibraryInfo, RuleInfo } from '../../src-shared/domain/lint';
import { LIBRARIES } from './libraries';
import { BUILT_IN_RULES, RULES } from './registry';

export function listRules(): RuleInfo[] {
  return RULES.map((r) => {
    const libs = LIBRARIES.filter((l) => l.rules.some((e) => e.id === r.id)).map((l) => `${l.name}@${l.version}`);
    return {
      id: r.id,
      version: r.version,
      severity: r.severity,
      libraries: (BUILT_IN_RULES as readonly string[]).includes(r.id) ? ['(built-in)'] : libs,
      summary: r.summary,
      rationale: r.rationale,
      safeAlternative: r.safeAlternative,
      docs: `docs/reference/rules.md#${r.id}`,
      equivalents: r.equivalents,
      deprecated: r.deprecated ?? null,
      sizeSensitive: r.sizeSensitive === true,
      doBlocks: r.doBlocks === true,
    };
  }).sort((a, b) => a.id.localeCompare(b.id));
}

export function listLibraries(): (LibraryInfo & { clauses: Record<string, string>; regulation: string | null })[] {
  return LIBRARIES.map((l) => ({
    name: l.name,
    version: l.version,
    description: l.description,
    compliance: !!l.compliance,
    regulation: l.compliance?.regulation ?? null,
    rules: l.rules.map((e) => ({ id: e.id, severity: e.severity ?? RULES.find((r) => r.id === e.id)!.severity, options: e.options ?? {} })),
    clauses: Object.fromEntries(l.rules.filter((e) => e.clause).map((e) => [e.id, e.clause!])),
  }));
}
