import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderRulesDoc, RULES_DOC } from '../../../scripts/gen-rules-doc';

describe('docs/reference/rules.md', () => {
  it('matches the rule metadata (run `npx tsx scripts/gen-rules-doc.ts` when it does not)', () => {
    expect(fs.readFileSync(RULES_DOC, 'utf8')).toBe(renderRulesDoc());
  });
});
