/**
 * Lints many files over worker threads (one per core). Each worker loads the parser (WASM) and
 * composes the rule set once — from the same configuration, which composition makes
 * deterministic — then lints batches of file paths it is handed one after another, so a worker
 * slowed by a busy core simply takes fewer batches. Results come back in input order.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileLintResult } from '../../src-shared/domain/lint';
import type { ComposeOptions } from './compose';
import type { LintConfig } from './config';
import type { LintInputs } from './types';

export interface ParallelJob {
  config: Partial<LintConfig> | undefined;
  compose: ComposeOptions;
  inputs: Omit<LintInputs, 'hasDownMigration'>;
}

/** A batch of files sent to a worker, and its answer. */
export interface WorkerBatch {
  batch: number;
  files: string[];
}
export type WorkerAnswer = { batch: number; results: FileLintResult[] } | { batch: number; error: string };

/** Below this many files one thread is faster than starting workers. */
export const PARALLEL_MIN_FILES = 300;
/** Files per message: large enough that messaging is noise, small enough to balance the load. */
export const BATCH_FILES = 100;

export async function lintInWorkers(job: ParallelJob & { files: string[] }, threads = os.availableParallelism?.() ?? os.cpus().length): Promise<FileLintResult[]> {
  const batches: string[][] = [];
  for (let i = 0; i < job.files.length; i += BATCH_FILES) batches.push(job.files.slice(i, i + BATCH_FILES));
  const n = Math.max(1, Math.min(threads, batches.length));
  const results: FileLintResult[][] = new Array<FileLintResult[]>(batches.length);
  let next = 0;
  const workerData: ParallelJob = { config: job.config, compose: job.compose, inputs: job.inputs };
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve, reject) => {
          const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData });
          let done = false;
          const send = () => {
            if (next >= batches.length) {
              done = true;
              void w.terminate().then(() => resolve(), reject);
              return;
            }
            const batch = next++;
            w.postMessage({ batch, files: batches[batch]! } satisfies WorkerBatch);
          };
          w.on('message', (m: WorkerAnswer) => {
            if ('error' in m) {
              done = true;
              void w.terminate();
              reject(new Error(m.error));
              return;
            }
            results[m.batch] = m.results;
            send();
          });
          w.once('error', (e) => {
            done = true;
            reject(e);
          });
          w.once('exit', (code) => {
            if (!done) reject(new Error(`lint worker exited with code ${code}`));
          });
          send();
        }),
    ),
  );
  return results.flat();
}
