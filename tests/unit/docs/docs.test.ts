/**
 * Docs that cannot rot (1/2): every internal link and anchor in README.md, docs/ and examples/
 * resolves; every ```yaml runnable block is valid for the schema of the file it shows; the
 * runnable markers are well-formed. The shell blocks run in tests/integration/docs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseConfig, readYaml } from '../../../src-main/project';
import { parseWorkload } from '../../../src-main/perf';
import { documentationFiles, parseMarkdown, readMarkdown, slug, type MarkdownDoc } from '../../helpers/markdown';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const files = documentationFiles(repo);
const docs = new Map<string, MarkdownDoc>(files.map((f) => [f, parseMarkdown(f, fs.readFileSync(path.join(repo, f), 'utf8'))]));

const SHELL = new Set(['sh', 'bash', 'shell']);
const YAML = new Set(['yaml', 'yml']);
const SH_ATTRS = new Set(['project', 'exit', 'session']);
const YAML_ATTRS = new Set(['file']);

/** Validates a runnable YAML block with the schema of the file it is (default confiture.yaml). */
export async function validateYamlBlock(body: string, file: string, where: string): Promise<void> {
  const base = path.basename(file);
  if (base === 'confiture.yaml') parseConfig(body, where);
  else if (/^perf\/.*workload.*\.ya?ml$/.test(file) || base === 'workload.yaml') await parseWorkload(body, where);
  else readYaml(body, where, 'config_error');
}

describe('the markdown reader', () => {
  it('makes GitHub anchors and finds runnable fences with their attributes', () => {
    const d = parseMarkdown('x.md', '# Exit codes & `--format`\n## Slack (Block Kit)\n## Slack (Block Kit)\n```sh runnable exit=2 project=examples/shop\nconfiture lint\n```\n[a](b.md#c) `[no](link.md)`\n');
    expect([...d.anchors]).toEqual(['exit-codes----format', 'slack-block-kit', 'slack-block-kit-1']);
    expect(d.fences[0]).toMatchObject({ lang: 'sh', runnable: true, attrs: { exit: '2', project: 'examples/shop' }, body: 'confiture lint\n', line: 4 });
    expect(d.links.map((l) => l.target)).toEqual(['b.md#c']);
    expect(slug('What `eventAction: auto` does')).toBe('what-eventaction-auto-does');
  });
});

describe('internal links', () => {
  it.each(files)('%s: every relative link and anchor resolves', (file) => {
    const doc = docs.get(file)!;
    const broken: string[] = [];
    for (const link of doc.links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link.target)) continue; // http:, https:, mailto:
      const [target, anchor] = link.target.split('#') as [string, string | undefined];
      const resolved = target ? path.normalize(path.join(path.dirname(file), decodeURIComponent(target))) : file;
      const abs = path.join(repo, resolved);
      if (!fs.existsSync(abs)) {
        broken.push(`${file}:${link.line}: ${link.target} (no such file ${resolved})`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md')) {
        const targetDoc = docs.get(resolved) ?? readMarkdown(abs);
        if (!targetDoc.anchors.has(anchor)) broken.push(`${file}:${link.line}: ${link.target} (no heading #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('runnable blocks', () => {
  const runnable = [...docs.values()].flatMap((d) => d.fences.filter((f) => f.runnable));

  it('are marked on shell or YAML blocks with known attributes', () => {
    const wrong: string[] = [];
    for (const f of runnable) {
      const allowed = SHELL.has(f.lang) ? SH_ATTRS : YAML.has(f.lang) ? YAML_ATTRS : null;
      if (!allowed) wrong.push(`${f.file}:${f.line}: runnable on a \`${f.lang}\` block (only sh and yaml run)`);
      for (const k of Object.keys(f.attrs)) if (allowed && !allowed.has(k)) wrong.push(`${f.file}:${f.line}: unknown attribute ${k}=`);
      if (f.attrs.project && !fs.existsSync(path.join(repo, f.attrs.project, 'confiture.yaml'))) wrong.push(`${f.file}:${f.line}: project=${f.attrs.project} is not a project`);
      if (f.attrs.exit && !/^\d+$/.test(f.attrs.exit)) wrong.push(`${f.file}:${f.line}: exit=${f.attrs.exit} is not an exit code`);
    }
    expect(wrong).toEqual([]);
  });

  // the desk guide is about the GUI: what it shows is checked by the e2e specs it names (tests/e2e), not by shell blocks
  const GUIDES_WITHOUT_BLOCKS_YET = new Set(['docs/guides/desk.md']);
  it('exist in every guide that shows commands a reader types (README, guides, integrations, industry, examples)', () => {
    const mustRun = files.filter(
      (f) => f === 'README.md' || /^docs\/(guides|integrations|industry)\//.test(f) || /^examples\/[^/]+\/README\.md$/.test(f),
    ).filter((f) => !GUIDES_WITHOUT_BLOCKS_YET.has(f));
    const without = mustRun.filter((f) => !docs.get(f)!.fences.some((x) => x.runnable && SHELL.has(x.lang)));
    expect(without).toEqual([]);
  });

  const yamlBlocks = runnable.filter((f) => YAML.has(f.lang));
  it('include YAML blocks (the schema check below is not vacuous)', () => {
    expect(yamlBlocks.length).toBeGreaterThanOrEqual(5);
  });
  it.each(yamlBlocks.map((f) => [`${f.file}:${f.line}`, f] as const))('%s is valid for its schema', async (where, f) => {
    await validateYamlBlock(f.body, f.attrs.file ?? 'confiture.yaml', where);
  });

  it('a YAML block with a wrong key fails the schema check, naming the block', async () => {
    await expect(validateYamlBlock('name: x\nhooks:\n  hooks:\n    - id: a\n      on: [before_run]\n      kind: http\n      url: https://x\n      formt: slack\n', 'confiture.yaml', 'docs/x.md:3')).rejects.toThrow(/docs\/x\.md:3:8: hooks\.hooks\[0\]: unknown key "formt"/);
  });
});

describe('navigation', () => {
  const linked = (doc: MarkdownDoc) => new Set(doc.links.map((l) => path.normalize(path.join(path.dirname(doc.file), l.target.split('#')[0]!))));
  it('docs/index.md links every document under docs/', () => {
    const index = linked(docs.get('docs/index.md')!);
    const missing = files.filter((f) => f.startsWith('docs/') && f !== 'docs/index.md' && !index.has(f));
    expect(missing).toEqual([]);
  });
  it("the README's documentation list links docs/index.md and every guide, integration, industry guide and reference it lists", () => {
    const readme = linked(docs.get('README.md')!);
    const index = [...linked(docs.get('docs/index.md')!)].filter((f) => /^docs\/(guides|integrations|industry|reference)\/.*\.md$/.test(f));
    expect(readme.has('docs/index.md')).toBe(true);
    expect(index.filter((f) => !readme.has(f))).toEqual([]);
  });
});
