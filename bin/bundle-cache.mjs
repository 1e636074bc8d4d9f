// A cached esbuild bundle of a TypeScript entry point, so the CLI does not start tsx and
// transpile ~150 modules at every run (about a second of start-up). The bundle lives in
// node_modules/.cache/confiture/ and is rebuilt when any of its input files (or tsconfig.json,
// or this file) changes size or mtime. Packages stay external (loaded from node_modules as before).
// `import.meta.url` / `dirname` / `filename` keep pointing at each source file, so code that
// finds files next to its source behaves the same as under tsx.
// A few pure-JavaScript packages every command imports at start-up (INLINE below) are bundled
// in rather than loaded from node_modules: node's ESM loader resolves, reads and links each of
// zod's ~80 module files one by one, and that costs more than evaluating them (bench/lint: ~90 ms
// CPU less per process and per lint worker thread). The other packages stay external (native
// addons, WASM next to its loader, optional dependencies).
// Any failure returns null and the caller falls back to tsx. CONFITURE_NO_BUNDLE=1 disables it.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(root, 'node_modules', '.cache', 'confiture');
const self = fileURLToPath(import.meta.url);
const always = [self, path.join(root, 'tsconfig.json')];
// node_modules (and so the cache) may be shared by several checkouts (git worktrees symlinking
// one node_modules): each checkout has its own bundle and metadata, or one would run another's code
const rootKey = createHash('sha256').update(root).digest('hex').slice(0, 8);
// packages bundled in (see above); their package.json is an input, so an upgrade rebuilds the bundle
const INLINE = ['zod', 'yaml', 'commander'];
const packageOf = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

function stamp(file) {
  const st = fs.statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

function fresh(meta) {
  try {
    for (const [file, s] of Object.entries(meta.inputs)) if (stamp(file) !== s) return false;
    return fs.existsSync(path.join(cacheDir, meta.bundle));
  } catch {
    return false;
  }
}

/** Every bare import is external except the INLINE packages (what `packages: 'external'` did, minus those). */
const externalPackagesPlugin = {
  name: 'confiture-external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || path.isAbsolute(args.path)) return undefined;
      if (INLINE.includes(packageOf(args.path))) return undefined;
      return { path: args.path, external: true };
    });
  },
};

const importMetaPlugin = {
  name: 'confiture-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.(m?ts|tsx|m?js)$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      let contents = await fs.promises.readFile(args.path, 'utf8');
      if (contents.includes('import.meta')) {
        contents = contents
          .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
          .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)))
          .replaceAll('import.meta.filename', JSON.stringify(args.path));
      }
      const ext = path.extname(args.path).slice(1);
      return { contents, loader: ext === 'tsx' ? 'tsx' : ext.endsWith('ts') ? 'ts' : 'js' };
    });
  },
};

async function build(entry, name) {
  const started = Date.now();
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    tsconfig: path.join(root, 'tsconfig.json'),
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [externalPackagesPlugin, importMetaPlugin],
    // the inlined packages' CommonJS builds require node built-ins (yaml: `require('process')`)
    banner: { js: "import { createRequire as __confitureCreateRequire } from 'node:module'; const require = __confitureCreateRequire(import.meta.url);" },
  });
  const code = result.outputFiles[0].contents;
  const inputs = {};
  // a file edited while we were bundling may be in the bundle in its old version: do not cache then
  let settled = true;
  const inlined = INLINE.map((p) => path.join(root, 'node_modules', p, 'package.json')).filter((f) => fs.existsSync(f));
  for (const file of [...Object.keys(result.metafile.inputs).map((f) => path.resolve(root, f)), ...always, ...inlined]) {
    if (inlined.includes(file)) {
      inputs[file] = stamp(file);
      continue;
    }
    if (file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    inputs[file] = stamp(file);
    if (fs.statSync(file).mtimeMs >= started - 2000) settled = false;
  }
  const hash = createHash('sha256').update(code).digest('hex').slice(0, 16);
  const bundle = `${name}-${rootKey}-${hash}.mjs`;
  fs.mkdirSync(cacheDir, { recursive: true });
  // write-then-rename: concurrent runs never see a half-written file
  const tmp = (f) => `${f}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const bundlePath = path.join(cacheDir, bundle);
  if (!fs.existsSync(bundlePath)) {
    const t = tmp(bundlePath);
    fs.writeFileSync(t, code);
    fs.renameSync(t, bundlePath);
  }
  if (settled) {
    const metaPath = path.join(cacheDir, `${name}-${rootKey}.json`);
    const t = tmp(metaPath);
    fs.writeFileSync(t, JSON.stringify({ bundle, inputs }));
    fs.renameSync(t, metaPath);
  }
  // drop bundles of older sources (not the ones a concurrent run may be loading right now)
  for (const f of fs.readdirSync(cacheDir)) {
    if (f === bundle || !f.startsWith(`${name}-${rootKey}-`)) continue;
    const p = path.join(cacheDir, f);
    try {
      if (Date.now() - fs.statSync(p).mtimeMs > 10 * 60_000) fs.rmSync(p, { force: true });
    } catch {
      // another run removed it
    }
  }
  return { bundle, inputs };
}

/** The file URL of an up-to-date bundle of `entry` (an absolute .ts path), or null (use tsx). */
export async function bundledUrl(entry, name) {
  if (process.env.CONFITURE_NO_BUNDLE === '1') return null;
  try {
    let meta = null;
    try {
      meta = JSON.parse(fs.readFileSync(path.join(cacheDir, `${name}-${rootKey}.json`), 'utf8'));
    } catch {
      meta = null;
    }
    if (!meta || !fresh(meta)) meta = await build(entry, name);
    return pathToFileURL(path.join(cacheDir, meta.bundle)).href;
  } catch (e) {
    if (process.env.CONFITURE_BUNDLE_DEBUG) process.stderr.write(`bundle-cache: ${e instanceof Error ? e.stack : e}\n`);
    return null;
  }
}
