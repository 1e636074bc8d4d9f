import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src-main/project';
import { interpolateEnv, matchesSelector, parseSelector, resolveEnvironment, rolloutConfigFor } from '../../../src-main/fleet/targets';
import { type ConfitureError } from '../../../src-main/errors';

const YAML = `name: shop
targets:
  eu-1:
    url: postgres://app:\${env:CF_TEST_EU_PW}@db-eu-1:5432/shop
    labels: { region: eu, tier: gold }
  us-1:
    url: postgres://app@db-us-1/shop
    labels: { region: us, tier: silver }
  local:
    url: embedded:tenant_local
environments:
  staging:
    targets: [local]
  prod:
    targets: [eu-1, us-1]
    rollout:
      errorBudget: 2
fleet:
  rollout:
    concurrency: 8
    waves:
      - { name: canary, size: 1 }
      - { size: 50% }
      - { size: rest, concurrency: 16 }
`;

const noEmbedded = () => Promise.reject(new Error('not used'));

function thrown(fn: () => unknown): ConfitureError {
  try {
    fn();
  } catch (e) {
    return e as ConfitureError;
  }
  throw new Error('did not throw');
}

describe('fleet config', () => {
  it('parses environments, targets and waves', () => {
    const c = parseConfig(YAML, 'confiture.yaml');
    expect(Object.keys(c.targets)).toEqual(['eu-1', 'us-1', 'local']);
    expect(c.fleet.control).toBe('embedded');
    expect(c.fleet.rollout.waves).toHaveLength(3);
    const r = rolloutConfigFor(c, 'prod');
    expect(r.errorBudget).toBe(2);
    expect(r.concurrency).toBe(8);
    expect(rolloutConfigFor(c, 'staging').errorBudget).toBe(1);
  });

  it('names the key and line of a mistake', () => {
    const bad = YAML.replace('size: 50%', 'size: fifty');
    const e = thrown(() => parseConfig(bad, 'confiture.yaml'));
    expect(e.code).toBe('config_error');
    expect(e.message).toMatch(/^confiture\.yaml:23: fleet\.rollout\.waves\[1\]\.size: /);
    const unknown = thrown(() => parseConfig(YAML.replace('    labels: { region: us', '    lables: { region: us'), 'confiture.yaml'));
    expect(unknown.message).toMatch(/confiture\.yaml:8: targets\.us-1: unknown key "lables"/);
    const both = thrown(() => parseConfig('targets:\n  x:\n    labels: {}\n', 'c.yaml'));
    expect(both.message).toMatch(/c\.yaml:3: targets\.x: a target has exactly one of url or service/);
  });

  it('resolves ${env:…} secrets without keeping them in the label', async () => {
    const c = parseConfig(YAML, 'confiture.yaml');
    process.env.CF_TEST_EU_PW = 's3cr3t-pw';
    try {
      const targets = await resolveEnvironment(c, 'prod', { openEmbedded: noEmbedded });
      expect(targets.map((t) => t.name)).toEqual(['eu-1', 'us-1']);
      const eu = targets[0]!;
      expect(eu.connection).toEqual({ kind: 'url', url: 'postgres://app:s3cr3t-pw@db-eu-1:5432/shop' });
      expect(eu.label).not.toContain('s3cr3t');
      expect(eu.source).toContain('${env:CF_TEST_EU_PW}');
      expect(eu.host).toBe('db-eu-1:5432');
      const gold = await resolveEnvironment(c, 'prod', { openEmbedded: noEmbedded, select: 'tier=gold' });
      expect(gold.map((t) => t.name)).toEqual(['eu-1']);
    } finally {
      delete process.env.CF_TEST_EU_PW;
    }
    await expect(resolveEnvironment(c, 'prod', { openEmbedded: noEmbedded })).rejects.toThrow(/targets\.eu-1\.url: environment variable CF_TEST_EU_PW is not set/);
    await expect(resolveEnvironment(c, 'qa', { openEmbedded: noEmbedded })).rejects.toThrow(/No environment "qa".*known: staging, prod/);
  });

  it('label selectors', () => {
    const s = parseSelector('tier=gold, region!=us');
    expect(matchesSelector({ tier: 'gold', region: 'eu' }, s)).toBe(true);
    expect(matchesSelector({ tier: 'gold', region: 'us' }, s)).toBe(false);
    expect(matchesSelector({ region: 'eu' }, s)).toBe(false);
    expect(() => parseSelector('tier')).toThrow(/not a label selector/);
    expect(interpolateEnv('plain', 'f')).toBe('plain');
  });
});
