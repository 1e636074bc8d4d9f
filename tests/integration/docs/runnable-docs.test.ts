/**
 * Docs that cannot rot (2/2): every ```sh runnable block of README.md, docs/ and examples/ runs
 * as written — the real CLI, a temp copy of the project, a fresh database on the test server
 * (embedded 18 or $DATABASE_URL) — and exits as the block says. The integration guides send
 * their notifications to a local receiver, whose requests are checked with the receivers' schemas.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runDocument, type ReceivedRequest } from '../../helpers/doc-runner';
import { documentationFiles, readMarkdown } from '../../helpers/markdown';
import { errorsOf, pagerDutyEventValidator } from '../../helpers/schemas';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const withShell = documentationFiles(repo)
  .map((f) => ({ file: f, doc: readMarkdown(path.join(repo, f)) }))
  .filter(({ doc }) => doc.fences.some((x) => x.runnable && ['sh', 'bash', 'shell'].includes(x.lang)))
  .map(({ file, doc }) => ({ file, fences: doc.fences.map((x) => ({ ...x, file })) }));

/** What the local receiver must have been sent while a document's blocks ran. */
const receives: Record<string, (reqs: ReceivedRequest[]) => void> = {
  'docs/integrations/slack.md': (reqs) => {
    const slack = reqs.filter((r) => r.path === '/slack');
    expect(slack.length).toBeGreaterThan(0);
    for (const r of slack) {
      const body = r.body as { text?: unknown; blocks?: { type: string }[] };
      expect(typeof body.text).toBe('string');
      expect(body.blocks?.[0]?.type).toBe('header');
    }
  },
  'docs/integrations/pagerduty.md': (reqs) => {
    const pd = reqs.filter((r) => r.path === '/pagerduty');
    expect(pd.map((r) => (r.body as { event_action: string }).event_action)).toContain('trigger');
    const validate = pagerDutyEventValidator();
    for (const r of pd) expect(validate(r.body), errorsOf(validate)).toBe(true);
  },
  'docs/integrations/webhooks.md': (reqs) => {
    const hooks = reqs.filter((r) => r.path === '/webhook');
    expect(hooks.length).toBeGreaterThan(0);
    for (const r of hooks) {
      expect(r.headers.authorization).toBe('Bearer docs-test-token');
      expect(r.body).toMatchObject({ event: expect.any(String), hookId: expect.any(String), context: { project: { name: expect.any(String) } } });
    }
  },
  'docs/integrations/datadog.md': (reqs) => {
    expect(reqs.filter((r) => r.path === '/otlp/v1/traces' && r.method === 'POST').length).toBeGreaterThan(0);
  },
  'docs/integrations/cloudwatch.md': (reqs) => {
    expect(reqs.filter((r) => r.path === '/otlp/v1/traces' && r.method === 'POST').length).toBeGreaterThan(0);
  },
  'docs/guides/observability.md': (reqs) => {
    // the down run and the up run: one trace each
    expect(reqs.filter((r) => r.path === '/otlp/v1/traces' && r.method === 'POST').length).toBeGreaterThanOrEqual(2);
  },
};

// each document runs several CLI processes (minutes on a loaded 2-core machine); documents run
// three at a time, each with its own databases, project copies and receiver
vi.setConfig({ testTimeout: 900_000, maxConcurrency: 3 });

describe.concurrent('runnable shell blocks', () => {
  it('exist (this test is not vacuous)', () => {
    expect(withShell.length).toBeGreaterThanOrEqual(10);
  });

  it.each(withShell.map((d) => [d.file, d] as const))('%s runs as written', async (file, d) => {
    const { runs, requests } = await runDocument(repo, d.fences);
    const wrong = runs.filter((r) => r.code !== r.expected).map((r) => `${r.where}: exited ${r.code}, the block says ${r.expected}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-2000)}`);
    expect(wrong.join('\n\n')).toBe('');
    receives[file]?.(requests);
  });

  it('fail when a command does not exit as the block says', async () => {
    const { runs } = await runDocument(repo, [{ file: 'x.md', line: 1, lang: 'sh', words: ['runnable'], attrs: {}, runnable: true, body: 'confiture lint --format nonsense\n' }]);
    expect(runs[0]!.code).toBe(2);
    expect(runs[0]!.expected).toBe(0);
  });
});
