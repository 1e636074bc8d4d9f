// Worker bootstrap: lets a worker thread load the TypeScript lint worker through tsx (CLI only).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
