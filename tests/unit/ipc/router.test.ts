import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, type AppContext } from '../../../src-main/context';
import { createRouter, type Router } from '../../../src-main/ipc/router';
import { ClientError, createClient, type Transport } from '../../../src-shared/client';
import type { ErrorValue } from '../../../src-shared/errors';
import { makeProject, type TempProject } from '../../helpers/project';

let dataDir: string;
let ctx: AppContext;
let router: Router;
let project: TempProject;

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-router-'));
  ctx = createContext({ mode: 'browser', dataDir });
  router = createRouter(ctx);
  project = makeProject({ '0001_create.up.sql': 'CREATE TABLE t (id int);', '0002_more.up.sql': 'SELECT 1;' });
});

afterAll(async () => {
  await ctx.close();
  project.remove();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function failure(r: Awaited<ReturnType<Router['call']>>): ErrorValue {
  if (r.ok) throw new Error('expected a failure');
  return r.error;
}

describe('router', () => {
  it('refuses an unknown procedure as invalid_input', async () => {
    const e = failure(await router.call('project/explode', {}));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('project/explode');
  });

  it('does not treat Object.prototype names as procedures', async () => {
    expect(failure(await router.call('constructor', {})).code).toBe('invalid_input');
    expect(failure(await router.call('__proto__', {})).code).toBe('invalid_input');
  });

  it('names the field path of an invalid input', async () => {
    const e = failure(await router.call('connection/open', { target: { kind: 'url', url: 42 } }));
    expect(e.code).toBe('invalid_input');
    expect(e.where?.field).toBe('target.url');
    expect(e.message).toContain('target.url');
  });

  it('names a nested numeric field path', async () => {
    const e = failure(await router.call('project/source', { dir: project.dir, version: '1', maxBytes: -5 }));
    expect(e.where?.field).toBe('maxBytes');
  });

  it('rejects extra keys (strict inputs) naming them', async () => {
    const e = failure(await router.call('project/open', { dir: project.dir, sneaky: true }));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toContain('sneaky');
  });

  it('rejects a non-object input', async () => {
    expect(failure(await router.call('project/open', 'not an object')).code).toBe('invalid_input');
  });

  it('returns a service error as a typed ErrorValue with code and where', async () => {
    const missing = path.join(dataDir, 'no-such-project');
    const e = failure(await router.call('project/open', { dir: missing }));
    expect(e.code).toBe('not_found');
    expect(e.where?.file).toBe(missing);
    expect(e.message).toContain(missing);
  });

  it('returns a config error with file and line', async () => {
    const p = makeProject({}, 'name: x\nwhat: 1\n');
    try {
      const e = failure(await router.call('project/open', { dir: p.dir }));
      expect(e).toMatchObject({ code: 'config_error', where: { line: 2, file: path.join(p.dir, 'confiture.yaml') } });
    } finally {
      p.remove();
    }
  });

  it('opens a valid project', async () => {
    const r = await router.call('project/open', { dir: project.dir });
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.value as { migrations: { version: string }[] }).migrations.map((m) => m.version)).toEqual(['0001', '0002']);
  });

  it('refuses an unknown stream', () => {
    const r = router.subscribe('demo/nothing', {}, () => undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('invalid_input');
  });

  it('validates stream inputs', () => {
    const r = router.subscribe('demo/seedProgress', { connectionId: '' }, () => undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.where?.field).toBe('connectionId');
  });

  it('delivers events published on the hub to a stream subscriber until it unsubscribes', () => {
    const got: unknown[] = [];
    const r = router.subscribe('demo/seedProgress', { connectionId: 'c1' }, (e) => got.push(e));
    expect(r.ok).toBe(true);
    ctx.streams.publish('demo/seedProgress', 'c1', { step: 'a' });
    ctx.streams.publish('demo/seedProgress', 'other', { step: 'b' });
    if (r.ok) r.value();
    ctx.streams.publish('demo/seedProgress', 'c1', { step: 'c' });
    expect(got).toEqual([{ step: 'a' }]);
  });
});

describe('createClient over an in-process transport', () => {
  const calls: string[] = [];
  const transport: Transport = {
    call: (name, input) => {
      calls.push(name);
      return router.call(name, input);
    },
    subscribe: (name, input, onEvent, onError) => {
      const r = router.subscribe(name, input, onEvent);
      if (!r.ok) {
        onError(r.error);
        return () => undefined;
      }
      return r.value;
    },
  };
  const client = createClient(transport);

  it('maps api.project.open to project/open and returns the value', async () => {
    const summary = await client.api.project.open({ dir: project.dir });
    expect(calls.at(-1)).toBe('project/open');
    expect(summary.migrations).toHaveLength(2);
  });

  it('throws a ClientError carrying the ErrorValue', async () => {
    const missing = path.join(dataDir, 'gone');
    const err = await client.api.project.open({ dir: missing }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as ClientError).error).toMatchObject({ code: 'not_found', where: { file: missing } });
    expect((err as ClientError).message).toContain(missing);
  });

  it('reports a bad stream through onError', () => {
    const errors: ErrorValue[] = [];
    client.subscribe('demo/seedProgress', { connectionId: '' }, () => undefined, (e) => errors.push(e));
    expect(errors[0]?.code).toBe('invalid_input');
  });

  it('is not mistaken for a thenable when awaited', async () => {
    // `await client.api` must not call a procedure named "then"
    const api = await Promise.resolve(client.api);
    expect(api).toBeDefined();
    const domain = await Promise.race([Promise.resolve(client.api.project), new Promise((r) => setTimeout(() => r('hung'), 500))]);
    expect(domain).not.toBe('hung');
    expect(calls.every((c) => !c.endsWith('/then') && c !== 'then')).toBe(true);
  });
});
