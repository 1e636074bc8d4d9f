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

/**
 * Lints `job.files` on `threads` threads: this one (when `local` is given, e.g. the CLI, whose
 * parser is loaded anyway) plus worker threads, all pulling batches from one queue. Workers keep
 * two batches in flight so they never wait for this thread to finish its own batch.
 */
export async function lintInWorkers(
  job: ParallelJob & { files: string[]; /** called as batches finish, with their file count (progress) */ onFiles?: (n: number) => void },
  threads = os.availableParallelism?.() ?? os.cpus().length,
  local?: (files: string[]) => FileLintResult[],
  /** this thread lints only once this settles (e.g. its parser's WASM is loaded): workers start meanwhile */
  localReady?: Promise<unknown>,
): Promise<FileLintResult[]> {
  const batches: string[][] = [];
  for (let i = 0; i < job.files.length; i += BATCH_FILES) batches.push(job.files.slice(i, i + BATCH_FILES));
  const workers = Math.max(local ? 0 : 1, Math.min(threads - (local ? 1 : 0), batches.length - (local ? 1 : 0)));
  const results: FileLintResult[][] = new Array<FileLintResult[]>(batches.length);
  let next = 0;
  const workerData: ParallelJob = { config: job.config, compose: job.compose, inputs: job.inputs };
  const inWorker = () =>
    new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData });
      let inFlight = 0;
      let done = false;
      const fail = (e: Error) => {
        if (done) return;
        done = true;
        void w.terminate();
        reject(e);
      };
      const send = () => {
        while (inFlight < 2 && next < batches.length) {
          const batch = next++;
          inFlight++;
          w.postMessage({ batch, files: batches[batch]! } satisfies WorkerBatch);
        }
        if (inFlight === 0 && !done) {
          done = true;
          void w.terminate().then(() => resolve(), reject);
        }
      };
      w.on('message', (m: WorkerAnswer) => {
        if ('error' in m) return fail(new Error(m.error));
        inFlight--;
        results[m.batch] = m.results;
        job.onFiles?.(m.results.length);
        send();
      });
      w.once('error', fail);
      w.once('exit', (code) => fail(new Error(`lint worker exited with code ${code}`)));
      send();
    });
  const onThisThread = async () => {
    if (!local) return;
    await localReady;
    while (next < batches.length) {
      const batch = next++;
      results[batch] = local(batches[batch]!);
      job.onFiles?.(batches[batch]!.length);
      // let worker answers in, so they get their next batch
      await new Promise((r) => setImmediate(r));
    }
  };
  // workers are created first, so their start-up (bundle load, WASM compile) overlaps this thread's
  await Promise.all([...Array.from({ length: workers }, inWorker), onThisThread()]);
  return results.flat();
}
