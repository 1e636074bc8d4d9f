import { describe, expect, it } from 'vitest';
import { composeRuleSet, resolveLibrary } from '../../../src-main/lint';
import { parseRange, parseVersion } from '../../../src-main/lint/semver';
import { ConfitureError } from '../../../src-main/errors';

const yaml = `name: t
lint:
  libraries:
    - { name: hipaa, version: "^1" }
    - gdpr
  overrides:
    prefer-text-field: { severity: error }
  disable:
    - grant-to-public
`;

describe('library versions', () => {
  it('resolves a caret range to the highest matching version', () => {
    const lib = resolveLibrary('safety', '^1');
    expect('version' in lib && lib.version).toBe('1.1.0');
    const pinned = resolveLibrary('safety', '1.0.0');
    expect('version' in pinned && pinned.version).toBe('1.0.0');
    expect(parseRange('~1.0')!(parseVersion('1.1.0')!)).toBe(false);
  });

  it('names the available versions when none matches', () => {
    expect(() => composeRuleSet({ libraries: [{ name: 'safety', version: '^2' }] } as never)).toThrow(/no version matching "\^2"; available: 1.0.0, 1.1.0/);
  });

  it('rejects an unknown library', () => {
    expect(() => composeRuleSet({ libraries: ['hippa'] } as never)).toThrow(/unknown library "hippa"/);
  });
});

describe('rule versioning', () => {
  it('warns that a deprecated rule has replacements', () => {
    const set = composeRuleSet({ libraries: [{ name: 'safety', version: '1.0.0' }] } as never);
    expect(set.effective.warnings.join('\n')).toMatch(/require-timeout-settings .* deprecated since 1.1.0: use require-lock-timeout and require-statement-timeout/);
  });

  it('fails with the config line when a removed rule is configured', () => {
    const text = 'lint:\n  disable:\n    - no-concurrent-index-creation\n';
    let err: unknown;
    try {
      composeRuleSet({ disable: ['no-concurrent-index-creation'] } as never, { configFile: '/p/confiture.yaml', configText: text });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfitureError);
    expect((err as ConfitureError).message).toMatch(/confiture.yaml:3: lint.disable\[0\]: rule "no-concurrent-index-creation" was removed in 1.0.0 .*use "require-concurrent-index-creation"/);
    expect((err as ConfitureError).where?.line).toBe(3);
  });

  it('suggests the closest id for a typo', () => {
    expect(() => composeRuleSet({ overrides: { 'ban-drop-tabel': { severity: 'info' } } } as never)).toThrow(/did you mean "ban-drop-table"/);
  });
});

describe('conflict policies', () => {
  const libs = ['hipaa', 'gdpr'];
  const rule = 'sensitive-column-unprotected';

  it('error: refuses to compose conflicting libraries', () => {
    expect(() => composeRuleSet({ libraries: libs, conflictPolicy: 'error' } as never)).toThrow(/conflictPolicy is "error" and \d+ rule\(s\) conflict:[\s\S]*sensitive-column-unprotected: severity critical \(hipaa@1.0.0\) vs error \(gdpr@1.0.0\)/);
  });

  it('prefer-first: the first library wins entirely', () => {
    const r = composeRuleSet({ libraries: libs, conflictPolicy: 'prefer-first' } as never).rules.get(rule)!;
    expect(r.severity).toBe('critical');
    expect(r.options.categories).toEqual(['PHI']);
  });

  it('prefer-last: the last library wins entirely', () => {
    const r = composeRuleSet({ libraries: libs, conflictPolicy: 'prefer-last' } as never).rules.get(rule)!;
    expect(r.severity).toBe('error');
    expect(r.options.categories).toEqual(['PII']);
  });

  it('warn: merges to the strictest severity and unites the patterns, with a warning', () => {
    const set = composeRuleSet({ libraries: libs, conflictPolicy: 'warn' } as never);
    const r = set.rules.get(rule)!;
    expect(r.severity).toBe('critical');
    expect(r.options.categories).toEqual(['PHI', 'PII']);
    expect(set.effective.warnings.some((w) => w.includes(rule))).toBe(true);
  });

  it('is deterministic: the same configuration composes the same way every time', () => {
    const a = JSON.stringify(composeRuleSet({ libraries: libs } as never).effective);
    const b = JSON.stringify(composeRuleSet({ libraries: libs } as never).effective);
    expect(a).toBe(b);
  });
});

describe('audit trail', () => {
  it('records where each setting came from, with confiture.yaml lines', () => {
    const set = composeRuleSet(
      { libraries: [{ name: 'hipaa', version: '^1' }, 'gdpr'], overrides: { 'prefer-text-field': { severity: 'error' } }, disable: ['grant-to-public'] } as never,
      { configFile: '/p/confiture.yaml', configText: yaml },
    );
    const text = set.effective.rules.find((r) => r.id === 'prefer-text-field')!;
    expect(text.severity).toBe('error');
    expect(text.trail.at(-1)!.source.label).toBe('confiture.yaml:7 lint.overrides.prefer-text-field');
    const grant = set.effective.rules.find((r) => r.id === 'grant-to-public')!;
    expect(grant.enabled).toBe(false);
    expect(grant.trail[0]!.source.label).toBe('hipaa@1.0.0');
    expect(grant.trail.at(-1)!.source).toMatchObject({ kind: 'project', line: 9 });
    expect(set.effective.libraries[0]).toMatchObject({ name: 'hipaa', requested: '^1', resolved: '1.0.0' });
  });

  it('appends project compliance patterns to the compliance rules', () => {
    const set = composeRuleSet({ libraries: ['gdpr'], compliance: { sensitiveColumns: ['^loyalty_card$'] } } as never);
    expect(set.rules.get('sensitive-column-unprotected')!.options.columnPatterns).toContain('^loyalty_card$');
  });

  it('takes --pg-version over lint.pgVersion', () => {
    const set = composeRuleSet({ pgVersion: 13 } as never, { pgVersion: { value: 17, source: 'cli' } });
    expect(set.pgVersion).toBe(17);
    expect(set.effective.pgVersionSource.label).toBe('--pg-version');
  });
});
