import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOCS, renderHooksApi, renderPerfApi, renderRuleApi } from '../../../scripts/gen-api-docs';
import { ALL_LIFECYCLE_EVENTS } from '../../../src-shared/domain/lifecycle';
import { PerfConfigSchema } from '../../../src-main/perf';

describe('generated API references (run `npm run docs` when one is stale)', () => {
  it('docs/reference/hooks-api.md matches the lifecycle types and the hooks schema', async () => {
    const doc = await renderHooksApi();
    expect(fs.readFileSync(API_DOCS.hooks, 'utf8')).toBe(doc);
    for (const e of ALL_LIFECYCLE_EVENTS) expect(doc).toContain(`| \`${e}\` |`);
    for (const k of ['inTransaction', 'routingKey', 'eventAction', 'dependsOn', 'onExhausted', 'CONFITURE_MIGRATION_CHECKSUM']) expect(doc).toContain(`\`${k}\``);
  });

  it('docs/reference/rule-api.md matches the rule and library definitions', () => {
    const doc = renderRuleApi();
    expect(fs.readFileSync(API_DOCS.rules, 'utf8')).toBe(doc);
    for (const lib of ['general', 'safety', 'naming', 'hipaa', 'gdpr', 'pci-dss', 'sox']) expect(doc).toContain(`| \`${lib}\` |`);
    expect(doc).toContain('| `nodeTypes`? |');
  });

  it('docs/reference/perf-api.md lists every perf: key of confiture.yaml', () => {
    const doc = renderPerfApi();
    expect(fs.readFileSync(API_DOCS.perf, 'utf8')).toBe(doc);
    for (const k of Object.keys(PerfConfigSchema.shape)) expect(doc).toContain(`| \`${k}\` |`);
  });
});
