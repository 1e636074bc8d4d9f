import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI_DOC, renderCliDoc } from '../../../scripts/gen-cli-doc';

describe('docs/reference/cli.md', () => {
  it('matches the commander program and the examples of scripts/gen-cli-doc.ts (run `npm run docs` when it does not)', () => {
    expect(fs.readFileSync(CLI_DOC, 'utf8')).toBe(renderCliDoc());
  });

  it('documents every command and subcommand, with usage and options', () => {
    const doc = renderCliDoc();
    for (const heading of ['## status', '## serve', '## lint', '## locks', '## risk', '## approve', '### perf capture', '### perf compare', '### perf list', '### perf import-statements', '### hooks list', '### hooks test', '### slo report', '### demo seed', '### migrate up', '### migrate down', '### migrate dry-run', '### migrate status', '## metrics', '## completion']) {
      expect(doc).toContain(`\n${heading}\n`);
    }
    expect(doc).toContain('confiture migrate up [options]');
    expect(doc).toContain('| `--auto-abort-after <ms>` |');
  });
});
