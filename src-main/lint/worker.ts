/** A worker thread that lints a share of the files (see parallel.ts). */
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { initParser, parseSql } from '../parse';
import { composeRuleSet } from './compose';
import { lintParsed } from './engine';
import { hasDownFile } from './files';
import type { ParallelJob } from './parallel';

const job = workerData as ParallelJob;
await initParser();
const ruleSet = composeRuleSet(job.config, job.compose);
const results = job.files.map((file) =>
  lintParsed(parseSql(fs.readFileSync(file, 'utf8'), file), { ruleSet, inputs: { ...job.inputs, hasDownMigration: hasDownFile(file) } }),
);
parentPort!.postMessage(results);
