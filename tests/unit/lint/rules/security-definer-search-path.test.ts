import { describe, expect, it } from 'vitest';
import { findings } from '../helpers';

describe("security-definer-search-path", () => {
  it("flags SECURITY DEFINER without search_path", async () => {
    const f = await findings("security-definer-search-path", "CREATE FUNCTION bump() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ UPDATE pay SET bonus = 1 $$;", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/does not pin search_path/);
  });

  it("flags a search_path including public", async () => {
    const f = await findings("security-definer-search-path", "CREATE FUNCTION bump() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ SELECT 1 $$;", { libraries: ['hipaa'] });
    expect(f.length).toBeGreaterThan(0);
    expect(f.map((x) => `${x.message} ${x.help}`).join('\n')).toMatch(/public/);
  });

  it("accepts a pinned search_path", async () => {
    expect(await findings("security-definer-search-path", "CREATE FUNCTION bump() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, app AS $$ UPDATE app.pay SET bonus = 1 $$;", { libraries: ['hipaa'] })).toEqual([]);
  });

  it("accepts SECURITY INVOKER", async () => {
    expect(await findings("security-definer-search-path", "CREATE FUNCTION bump() RETURNS void LANGUAGE sql AS $$ SELECT 1 $$;", { libraries: ['hipaa'] })).toEqual([]);
  });
});
