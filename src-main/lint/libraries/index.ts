/** Every library, every version. A project composes them in confiture.yaml (`lint.libraries`). */
import { gdpr, hipaa, pciDss, sox } from './compliance';
import { general } from './general';
import { naming } from './naming';
import { safety } from './safety';
import type { LibraryDefinition } from './types';

export type { LibraryDefinition, LibraryRuleEntry } from './types';

export const LIBRARIES: readonly LibraryDefinition[] = [...general, ...safety, ...naming, ...hipaa, ...gdpr, ...pciDss, ...sox];

/** Used when confiture.yaml has no `lint.libraries`. */
export const DEFAULT_LIBRARIES = [
  { name: 'general', version: '^1' },
  { name: 'safety', version: '^1' },
];

export function libraryVersions(name: string): LibraryDefinition[] {
  return LIBRARIES.filter((l) => l.name === name);
}
