import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src-main/project';
import type { ConfitureError } from '../../../src-main/errors';

function load(yaml: string) {
  return parseConfig(yaml, '/p/confiture.yaml');
}
function errorOf(yaml: string): ConfitureError {
  try {
    load(yaml);
  } catch (e) {
    return e as ConfitureError;
  }
  throw new Error('expected a config error');
}

describe('hooks config', () => {
  it('accepts every hook kind with defaults filled in', () => {
    const c = load(`
hooks:
  phases:
    before_migration: { strategy: parallel, maxConcurrency: 2, timeoutMs: 60000 }
  hooks:
    - { id: gate, on: [before_run], kind: sql, sql: "SELECT true AS ok" }
    - { id: notify, on: [run_failed], kind: http, url: "\${env:SLACK_URL}", format: slack }
    - { id: script, on: [after_migration], kind: command, command: ["./notify.sh", "--quiet"] }
    - { id: mod, on: [before_statement], kind: module, module: hooks/check.ts }
`);
    expect(c.hooks.hooks.map((h) => [h.id, h.priority, h.policy, h.timeoutMs])).toEqual([
      ['gate', 0, 'fail', 30000],
      ['notify', 0, 'fail', 30000],
      ['script', 0, 'fail', 30000],
      ['mod', 0, 'fail', 30000],
    ]);
    expect(c.hooks.hooks[0]!.breaker).toEqual({ failureThreshold: 5, coolDownMs: 60000 });
    expect(c.hooks.phases.before_migration).toEqual({ strategy: 'parallel', maxConcurrency: 2, timeoutMs: 60000 });
  });

  it('rejects a dependsOn cycle, naming the hooks and the line', () => {
    const e = errorOf(`name: x
hooks:
  hooks:
    - id: a
      on: [before_run]
      kind: command
      command: "true"
      dependsOn: [b]
    - id: b
      on: [before_run]
      kind: command
      command: "true"
      dependsOn: [c]
    - id: c
      on: [before_run]
      kind: command
      command: "true"
      dependsOn: [a]
`);
    expect(e.code).toBe('config_error');
    expect(e.message).toContain('dependsOn forms a cycle: a → b → c → a');
    expect(e.where).toMatchObject({ file: '/p/confiture.yaml', line: 8, field: 'hooks.hooks[0].dependsOn' });
  });

  it('rejects an unknown phase in `on`, listing the valid ones', () => {
    const e = errorOf(`hooks:
  hooks:
    - { id: a, on: [before_execute], kind: command, command: "true" }
`);
    expect(e.message).toContain('unknown phase "before_execute"');
    expect(e.message).toContain('before_migration');
    expect(e.message).toContain('alert_lock_wait');
    expect(e.where?.line).toBe(3);
  });

  it('rejects an unknown phase under `phases`', () => {
    const e = errorOf(`hooks:
  phases:
    before_deploy: { strategy: parallel }
`);
    expect(e.message).toContain('unknown phase "before_deploy"; valid phases and events: before_load');
    expect(e.where?.line).toBe(3);
  });

  it('rejects a dependency on a hook that does not exist, and duplicate ids', () => {
    expect(errorOf(`hooks:\n  hooks:\n    - { id: a, on: [before_run], kind: command, command: "true", dependsOn: [ghost] }\n`).message).toContain('depends on "ghost", which is not defined');
    expect(
      errorOf(`hooks:\n  hooks:\n    - { id: a, on: [before_run], kind: command, command: "true" }\n    - { id: a, on: [after_run], kind: command, command: "true" }\n`).message,
    ).toContain('duplicate hook id "a"');
  });

  it('requires a routing key for PagerDuty and an explicit kind', () => {
    expect(errorOf(`hooks:\n  hooks:\n    - { id: pd, on: [run_failed], kind: http, url: "https://events.pagerduty.com/v2/enqueue", format: pagerduty }\n`).message).toContain('needs routingKey');
    expect(errorOf(`hooks:\n  hooks:\n    - { id: x, on: [run_failed], kind: shell }\n`).message).toContain('kind must be one of sql, command, http, module');
  });
});
