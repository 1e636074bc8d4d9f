import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe('empty-migration', () => {
  it('reports an empty file as an info no-op, never as a parse error', async () => {
    for (const sql of ['', '  \n\t\n', '-- only a comment\n', '/* a block comment */']) {
      const f = await findings('empty-migration', sql);
      expect(f.map((x) => [x.rule, x.severity])).toEqual([['empty-migration', 'info']]);
      expect(await findings('parse-error', sql)).toEqual([]);
    }
  });

  it('says nothing about a file with a statement', async () => {
    expect(await findings('empty-migration', 'SELECT 1;')).toEqual([]);
  });
});
