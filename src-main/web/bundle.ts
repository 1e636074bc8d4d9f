import fs from 'node:fs';
import path from 'node:path';
import { appRoot } from '../context';

export function webBundleDir(): string {
  return path.join(appRoot(), 'out', 'web');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    newest = Math.max(newest, ent.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds the renderer for browser mode when the bundle is missing or older than its sources. */
export async function ensureWebBundle(log: (msg: string) => void = () => undefined): Promise<string> {
  const out = webBundleDir();
  const index = path.join(out, 'index.html');
  const root = appRoot();
  const sources = [path.join(root, 'src-renderer'), path.join(root, 'src-shared')];
  const fresh = fs.existsSync(index) && sources.every((s) => !fs.existsSync(s) || newestMtime(s) <= fs.statSync(index).mtimeMs);
  if (fresh) return out;
  if (!fs.existsSync(path.join(root, 'src-renderer'))) throw new Error(`The web bundle is missing at ${out}`);
  log('building the user interface for browser mode (once)...');
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.web.config.ts'), logLevel: 'warn' });
  return out;
}
