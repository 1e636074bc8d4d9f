import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfitureError } from '../../../src-main/errors';
import { loadConfig, parseConfig } from '../../../src-main/project';

function configError(text: string): ConfitureError {
  try {
    parseConfig(text, 'confiture.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfitureError);
    return e as ConfitureError;
  }
  throw new Error('expected parseConfig to throw');
}

describe('confiture.yaml validation', () => {
  it('accepts a minimal config and fills defaults', () => {
    const c = parseConfig('name: shop\n', 'confiture.yaml');
    expect(c.name).toBe('shop');
    expect(c.migrations).toBe('migrations');
    expect(c.tracking.schema).toBe('confiture');
  });

  it('accepts an empty file as all defaults', () => {
    expect(parseConfig('', 'confiture.yaml').tracking.schema).toBe('confiture');
  });

  it('rejects an unknown top-level key naming the key and its line', () => {
    const e = configError('name: shop\nmigrations: db\nbogus: 1\n');
    expect(e.code).toBe('config_error');
    expect(e.message).toContain('"bogus"');
    expect(e.message).toContain(':3');
    expect(e.where?.line).toBe(3);
  });

  it('rejects an unknown nested key naming the key and its line', () => {
    const e = configError('name: shop\ntracking:\n  schema: audit\n  colour: red\n');
    expect(e.message).toContain('"colour"');
    expect(e.where?.line).toBe(4);
    expect(e.where?.column).toBe(3);
    expect(e.where?.field).toBe('tracking');
  });

  it('rejects an unknown key inside the engine section with its line', () => {
    const e = configError('engine:\n  lockTimeout: 2s\n  lock_timeout: 2s\n');
    expect(e.message).toContain('"lock_timeout"');
    expect(e.where?.line).toBe(3);
  });

  it('rejects a wrong type naming the field path and line', () => {
    const e = configError('name: shop\nengine:\n  lockRetries: many\n');
    expect(e.where?.field).toBe('engine.lockRetries');
    expect(e.message).toContain('engine.lockRetries');
    expect(e.where?.line).toBe(3);
  });

  it('rejects a non-identifier tracking schema with field path and line', () => {
    const e = configError('tracking:\n  schema: "Bad Schema"\n');
    expect(e.where?.field).toBe('tracking.schema');
    expect(e.where?.line).toBe(2);
  });

  it('rejects a top-level scalar document', () => {
    const e = configError('just a string\n');
    expect(e.code).toBe('config_error');
  });

  it('reports a YAML syntax error with line and column', () => {
    const e = configError('name: shop\ntracking:\n  schema: [unclosed\nengine: {}\n');
    expect(e.code).toBe('config_error');
    expect(e.where?.line).toBeGreaterThanOrEqual(3);
    expect(e.where?.column).toBeGreaterThan(0);
  });

  it('reports a bad indentation with its line', () => {
    const e = configError('name: shop\ntracking:\n  schema: a\n schema2: b\n');
    expect(e.where?.line).toBe(4);
  });

  it('reports a duplicate key with its line', () => {
    const e = configError('name: a\nmigrations: x\nname: b\n');
    expect(e.where?.line).toBe(3);
  });

  it('parses engine durations to milliseconds', () => {
    const c = parseConfig('engine:\n  lockTimeout: 5s\n  statementTimeout: 2min\n  retryBackoff: 250\n', 'confiture.yaml');
    expect(c.engine.lockTimeout).toBe(5_000);
    expect(c.engine.statementTimeout).toBe(120_000);
    expect(c.engine.retryBackoff).toBe(250);
  });

  it('parses 250ms and 1h durations', () => {
    const c = parseConfig('engine:\n  lockTimeout: 250ms\n  statementTimeout: 1h\n', 'confiture.yaml');
    expect(c.engine.lockTimeout).toBe(250);
    expect(c.engine.statementTimeout).toBe(3_600_000);
  });

  it('rejects a bad duration naming the field and line', () => {
    const e = configError('engine:\n  lockTimeout: 5 parsecs\n');
    expect(e.where?.field).toBe('engine.lockTimeout');
    expect(e.where?.line).toBe(2);
    expect(e.message).toMatch(/duration/);
  });

  it('rejects a negative duration', () => {
    const e = configError('engine:\n  lockTimeout: -5\n');
    expect(e.where?.field).toBe('engine.lockTimeout');
  });
});

describe('loadConfig', () => {
  it('says the folder is not a Confiture project when confiture.yaml is missing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-cfg-'));
    try {
      expect(() => loadConfig(dir)).toThrow(/not a Confiture project: confiture.yaml is missing/);
      try {
        loadConfig(dir);
      } catch (e) {
        expect((e as ConfitureError).code).toBe('config_error');
        expect((e as ConfitureError).where?.file).toBe(path.join(dir, 'confiture.yaml'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the file in errors of a config on disk', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cf-cfg-'));
    try {
      fs.writeFileSync(path.join(dir, 'confiture.yaml'), 'name: x\nunknown_thing: true\n');
      expect(() => loadConfig(dir)).toThrow(new RegExp(`${path.join(dir, 'confiture.yaml').replace(/[.]/g, '\\.')}:2`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
