/** The little semver lint needs: versions `M.m.p` and ranges `^1`, `~1.1`, `1`, `1.1`, `1.0.0`, `>=1.0.0`, `*`. */

export type Version = [number, number, number];

export function parseVersion(v: string): Version | null {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(v.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

export function compareVersion(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** A predicate for a range, or null when the range is not understood. */
export function parseRange(range: string): ((v: Version) => boolean) | null {
  const r = range.trim();
  if (r === '*' || r === 'latest' || r === '') return () => true;
  let m = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(r);
  if (m) {
    const min: Version = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
    return (v) => compareVersion(v, min) >= 0;
  }
  m = /^([\^~]?)(\d+)(?:\.(\d+|x))?(?:\.(\d+|x))?$/.exec(r);
  if (!m) return null;
  const [, op, M, mi, pa] = m;
  const major = Number(M);
  const minor = mi === undefined || mi === 'x' ? null : Number(mi);
  const patch = pa === undefined || pa === 'x' ? null : Number(pa);
  const min: Version = [major, minor ?? 0, patch ?? 0];
  let max: Version;
  if (op === '^') max = major > 0 || minor === null ? [major + 1, 0, 0] : [0, minor + 1, 0];
  else if (op === '~') max = minor === null ? [major + 1, 0, 0] : [major, minor + 1, 0];
  else if (minor === null) max = [major + 1, 0, 0];
  else if (patch === null) max = [major, minor + 1, 0];
  else return (v) => compareVersion(v, min) === 0;
  return (v) => compareVersion(v, min) >= 0 && compareVersion(v, max) < 0;
}
