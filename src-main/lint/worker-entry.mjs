// Worker bootstrap (CLI only): loads the TypeScript lint worker from a cached bundle when it can
// (bin/bundle-cache.mjs: no per-worker tsx start-up), else through tsx.
import { fileURLToPath } from 'node:url';
import { bundledUrl } from '../../bin/bundle-cache.mjs';

const bundle = await bundledUrl(fileURLToPath(new URL('./worker.ts', import.meta.url)), 'lint-worker');
if (bundle) await import(bundle);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./worker.ts');
}
