import type { Severity } from '../../../src-shared/domain/lint';

export interface LibraryRuleEntry {
  id: string;
  /** defaults to the rule's own severity */
  severity?: Severity;
  /** merged over the rule's default options */
  options?: Record<string, unknown>;
  /** compliance libraries: the regulation clause that motivates the rule */
  clause?: string;
}

export interface LibraryDefinition {
  name: string;
  /** semver; a project pins it with a range (`^1`, `~1.1`, `1.0.0`) */
  version: string;
  description: string;
  compliance?: { regulation: string; reference: string };
  rules: LibraryRuleEntry[];
}
