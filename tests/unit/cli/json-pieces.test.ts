import { afterEach, describe, expect, it, vi } from 'vitest';
import { jsonPieces, writeJson } from '../../../src-main/cli/output';

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

describe('writeJson: the pieces encoded into ~1 MB chunks on stdout', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes exactly the UTF-8 of JSON.stringify(value, null, 2) + newline, in chunks of at most 1 MB but for one piece larger than that', async () => {
    const chunks: Buffer[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(((data: string | Uint8Array, cb?: (e?: Error | null) => void) => {
      chunks.push(Buffer.from(data as never));
      cb?.(null);
      return true;
    }) as never);
    // several MB of multi-byte text (2, 3 and 4 bytes per character), and one element of 2 MB on its own
    const files = Array.from({ length: 6000 }, (_, i) => ({ path: `${i}_ü.sql`, findings: [{ message: `测试 🍮 ${'x'.repeat(i % 500)}` }] }));
    const doc = { schemaVersion: 1, files: [...files.slice(0, 3000), { path: 'huge.sql', text: 'é'.repeat(1 << 20) }, ...files.slice(3000)], summary: { files: files.length + 1 } };
    await writeJson(doc);
    expect(Buffer.concat(chunks).equals(Buffer.from(JSON.stringify(doc, null, 2) + '\n'))).toBe(true);
    expect(chunks.length).toBeGreaterThan(3);
    // only the chunk that is the huge piece itself exceeds 1 MB
    expect(chunks.filter((c) => c.length > 1 << 20)).toHaveLength(1);
  });
});
