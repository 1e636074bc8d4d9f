import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initParser, parseSql } from '../../../src-main/parse';
import { clearParseCache, parseSqlCached } from '../../../src-main/parse/cache';

beforeAll(async () => {
  await initParser();
});
beforeEach(() => clearParseCache());

describe('parse cache of project migration files', () => {
  it('returns the same parse for the same path, text and limits', () => {
    const a = parseSqlCached('CREATE TABLE a (id int);', '/p/0001_a.up.sql');
    const b = parseSqlCached('CREATE TABLE a (id int);', '/p/0001_a.up.sql');
    expect(b).toBe(a);
    expect(b).toEqual(parseSql('CREATE TABLE a (id int);', '/p/0001_a.up.sql'));
  });

  it('parses again when the text changed, and for other limits', () => {
    const a = parseSqlCached('CREATE TABLE a (id int);', '/p/0001_a.up.sql');
    const edited = parseSqlCached('CREATE TABLE a (id bigint);', '/p/0001_a.up.sql');
    expect(edited).not.toBe(a);
    expect(edited.statements[0]!.sql).toBe('CREATE TABLE a (id bigint)');
    // a tighter size limit refuses what the default accepted: never served from the cache
    const long = `CREATE TABLE b (id int); -- ${'x'.repeat(2000)}`;
    expect(parseSqlCached(long, '/p/0002_long.up.sql').problems).toEqual([]);
    const refused = parseSqlCached(long, '/p/0002_long.up.sql', { maxBytes: 1024, maxDepth: 1000 });
    expect(refused.statements).toEqual([]);
    expect(refused.problems[0]!.code).toBe('too_large');
  });

  it('stays bounded: old entries are evicted past the size held', () => {
    const big = `CREATE TABLE big (id int); -- ${'x'.repeat(200 * 1024)}`;
    const first = parseSqlCached(big, '/p/0000_first.up.sql');
    for (let i = 0; i < 12; i++) parseSqlCached(big, `/p/${i}.up.sql`);
    expect(parseSqlCached(big, '/p/0000_first.up.sql')).not.toBe(first);
  }, 60_000);
});
