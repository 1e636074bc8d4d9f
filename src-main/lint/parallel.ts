/**
 * Lints many files over worker threads (one per core). The rule set is recomposed in each
 * worker from the same configuration, which composition makes deterministic.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileLintResult } from '../../src-shared/domain/lint';
import type { ComposeOptions } from './compose';
import type { LintConfig } from './config';
import type { LintInputs } from './types';

export interface ParallelJob {
  files: string[];
  config: Partial<LintConfig> | undefined;
  compose: ComposeOptions;
  inputs: Omit<LintInputs, 'hasDownMigration'>;
}

/** Below this many files one thread is faster than starting workers. */
export const PARALLEL_MIN_FILES = 300;

export async function lintInWorkers(job: ParallelJob, threads = os.availableParallelism?.() ?? os.cpus().length): Promise<FileLintResult[]> {
  const n = Math.max(1, Math.min(threads, Math.ceil(job.files.length / 100)));
  const chunks: string[][] = Array.from({ length: n }, () => []);
  // contiguous chunks keep the output order trivial to restore
  const size = Math.ceil(job.files.length / n);
  job.files.forEach((f, i) => chunks[Math.floor(i / size)]!.push(f));
  const parts = await Promise.all(
    chunks.map(
      (files) =>
        new Promise<FileLintResult[]>((resolve, reject) => {
          const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { ...job, files } satisfies ParallelJob });
          w.once('message', (m: FileLintResult[]) => {
            resolve(m);
            void w.terminate();
          });
          w.once('error', reject);
        }),
    ),
  );
  return parts.flat();
}
