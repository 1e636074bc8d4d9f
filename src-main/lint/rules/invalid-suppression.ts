import { defineRule } from '../types';

export default defineRule({
  id: 'invalid-suppression',
  version: '1.0.0',
  severity: 'warning',
  summary: 'A suppression comment names an unknown or removed rule, or gives no reason.',
  rationale: 'Suppressions are reviewed like code: each must name a rule that exists and say why the finding does not apply. A typo in the rule id would otherwise silently suppress nothing, and a missing reason hides the decision from reviewers.',
  safeAlternative: '`-- confiture-ignore require-concurrent-index-creation: table has 40 rows, built in the maintenance window`',
  example: { bad: '-- confiture-ignore require-concurent-index-creation\nCREATE INDEX i ON t (a);', good: '-- confiture-ignore require-concurrent-index-creation: t is a 40-row lookup table\nCREATE INDEX i ON t (a);' },
  equivalents: { squawk: ['unused-ignore'] },
  check() {
    // reported by the engine while it reads suppression comments
  },
});
