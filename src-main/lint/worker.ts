/** A worker thread that lints the batches of files it is sent (see parallel.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { initParser, parseLimits, parseSqlFile } from '../parse';
import { composeRuleSet } from './compose';
import { lintParsed } from './engine';
import { downFileLookup } from './files';
import type { ParallelJob, WorkerAnswer, WorkerBatch } from './parallel';

const job = workerData as ParallelJob;
await initParser();
const ruleSet = composeRuleSet(job.config, job.compose);
// one listing per folder for the worker's whole job (it lives as long as the lint run)
const hasDown = downFileLookup();
parentPort!.on('message', ({ batch, files }: WorkerBatch) => {
  let answer: WorkerAnswer;
  try {
    const limits = parseLimits();
    const results = files.map((file) => lintParsed(parseSqlFile(file, limits), { ruleSet, inputs: { ...job.inputs, hasDownMigration: hasDown(file) } }));
    answer = { batch, results };
  } catch (e) {
    answer = { batch, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort!.postMessage(answer);
});
