/**
 * `confiture lint …` alone: the same program as `index.ts` with only the lint command registered,
 * so a lint run does not load the other commands' modules (the database layer, pg-boss, pino, the
 * engine): about a third of the CLI's start-up. bin/confiture.mjs takes this entry when the first
 * argument is `lint`; anything else (root options first, `--help`, other commands) gets the full program.
 */
import { registerLint } from './commands/lint';
import { runProgram } from './program';

export function main(argv: string[]): Promise<number> {
  return runProgram([registerLint], argv);
}
