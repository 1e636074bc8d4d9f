import fs from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { parserKinds, renderRulesDoc, RULES_DOC } from '../../../scripts/gen-rules-doc';
import { lockCoverage } from '../../../src-main/locks';
import { initParser } from '../../../src-main/parse';

beforeAll(async () => {
  await initParser();
});

describe('docs/reference/rules.md', () => {
  it('counts lock coverage from the traced examples and the parser\'s own node list', () => {
    const known = parserKinds();
    expect(known.statements).toContain('IndexStmt');
    expect(known.alterTable).toContain('AT_AddColumn');
    const c = lockCoverage(known);
    expect(c.verified.statements).toEqual(expect.arrayContaining(['AlterTableStmt', 'IndexStmt', 'ViewStmt', 'CreatePolicyStmt', 'CreatePublicationStmt', 'GrantStmt', 'CommentStmt', 'ClusterStmt', 'RefreshMatViewStmt', 'TruncateStmt', 'AlterSeqStmt', 'AlterDomainStmt', 'CreateTrigStmt']));
    expect(c.verified.alterTable).toEqual(expect.arrayContaining(['AT_AddColumn', 'AT_AttachPartition', 'AT_DetachPartition', 'AT_AlterColumnType', 'AT_AddConstraint', 'AT_ValidateConstraint']));
    expect(c.verified.statements.length + c.missing.statements.length).toBe(known.statements.length);
  });

  it('matches the rule metadata (run `npx tsx scripts/gen-rules-doc.ts` when it does not)', () => {
    expect(fs.readFileSync(RULES_DOC, 'utf8')).toBe(renderRulesDoc());
  });
});
