/**
 * `confiture` — the CLI face of the engine. Every command calls the same services as the GUI.
 * Exit codes: 0 ok, 1 policy failure, 2 usage/config/input error, 3 database error,
 * 4 migration failed and rolled back, 5 another run holds the lock.
 */
import type { Command } from 'commander';
import { registerApprove } from './commands/approve';
import { registerLocks } from './commands/locks';
import { registerRisk } from './commands/risk';
import { registerServe } from './commands/serve';
import { registerStatus } from './commands/status';
import { registerLint } from './commands/lint';
import { registerMigrate } from './commands/migrate';
import { registerDemo } from './commands/demo';
import { registerPerf } from './commands/perf';
import { registerHooks } from './commands/hooks';
import { registerSlo } from './commands/slo';
import { registerMetrics } from './commands/metrics';
import { registerCompletion } from './commands/completion';
import { registerFleet } from './commands/fleet';
import { registerDrift } from './commands/drift';
import { programOf, runProgram, type RegisterCommand } from './program';

export type { RegisterCommand } from './program';

/** Commands, one file each. Add yours here. */
const COMMANDS: RegisterCommand[] = [registerStatus, registerMigrate, registerDemo, registerPerf, registerServe, registerLocks, registerRisk, registerApprove, registerHooks, registerLint, registerSlo, registerMetrics, registerFleet, registerDrift, registerCompletion];

/** The whole command tree, without parsing anything (also used by scripts/gen-cli-doc.ts). */
export function buildProgram(setExit: (code: number) => void): Command {
  return programOf(COMMANDS, setExit);
}

export function main(argv: string[]): Promise<number> {
  return runProgram(COMMANDS, argv);
}
