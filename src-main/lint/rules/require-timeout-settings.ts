import lockTimeout from './require-lock-timeout';
import statementTimeout from './require-statement-timeout';
import { defineRule } from '../types';

export default defineRule({
  id: 'require-timeout-settings',
  version: '1.1.0',
  severity: 'warning',
  summary: 'Deprecated: both timeouts in one rule. Use require-lock-timeout and require-statement-timeout.',
  rationale: 'Kept so configurations and ignore comments written for it still work; it reports what both replacements report.',
  safeAlternative: "SET lock_timeout = '2s'; SET statement_timeout = '5min'; at the top of the file.",
  example: { bad: 'ALTER TABLE orders ADD COLUMN note text;', good: "SET lock_timeout = '2s';\nSET statement_timeout = '5min';\nALTER TABLE orders ADD COLUMN note text;" },
  equivalents: { squawk: ['require-timeout-settings'] },
  deprecated: { since: '1.1.0', replacement: ['require-lock-timeout', 'require-statement-timeout'], reason: 'split so each timeout can be configured and suppressed on its own' },
  check(ctx) {
    lockTimeout.check(ctx);
    statementTimeout.check(ctx);
  },
});
