import { describe, expect, it } from 'vitest';
import { jsonPieces } from '../../../src-main/cli/output';

const whole = (v: object) => JSON.stringify(v, null, 2) + '\n';
const pieces = (v: object) => [...jsonPieces(v)].join('');

describe('jsonPieces: a large JSON document written in pieces', () => {
  it('is byte-identical to JSON.stringify(value, null, 2) + newline', () => {
    const report = {
      schemaVersion: 1,
      files: [
        { path: 'a "quoted"\npath.sql', findings: [{ rule: 'r', message: 'line1\nline2 ü 🍮', nested: { x: [1, [2, []], {}] } }], statements: 2 },
        { path: 'b.sql', findings: [], statements: 0 },
        null,
      ],
      empty: [],
      skipped: undefined,
      when: new Date(0),
      summary: { files: 2, bySeverity: { info: 0, warning: 1 }, failed: false, pgVersion: null },
      configWarnings: ['w1'],
      list: [undefined, () => 1],
    };
    expect(pieces(report)).toBe(whole(report));
    expect(pieces({})).toBe(whole({}));
    expect(pieces({ a: 1 })).toBe(whole({ a: 1 }));
  });

  it('yields one piece per element of a top-level array', () => {
    const files = Array.from({ length: 1000 }, (_, i) => ({ path: `${i}.sql`, findings: [] }));
    const out = [...jsonPieces({ files })];
    expect(out.length).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(out.join(''))).toEqual({ files });
  });
});
